#!/usr/bin/perl
# troubleshooting-keys.pl SRCDIR - prints, one a line, the fixed texts of
# every error and warning the runtime, imtls, omtls and tlslogger can log,
# read from the code, so the README's troubleshooting section can be
# checked against them (readme-troubleshooting.sh).
#
# What counts, by where the text is made:
#   - runtime/error.cpp: every name of syslogtls_reason_name() but "no
#     failure" (SYSLOGTLS_REASON_NONE);
#   - runtime/*.cpp except the C API's argument checks (capi_*.cpp): the
#     first string literal of refuse(REASON, ...), fail(CODE, REASON, ...),
#     report(...), emit(...), log.err(...) / log.warn(...), and of
#     Error(...) / SettingError(...) raised for a configuration (codes
#     SYSLOGTLS_E_INVAL, _FILE, _ADDR), and the texts of "*reason = ..."
#     (why a permitted-peer entry is invalid);
#   - plugins/: logError / logWarning / errorOnce / log / bad (a parameter
#     refused) / warnings.push_back calls, and "err = ..." assignments;
#   - tools/tlslogger.c: fail_usage(...), fail_setup(...) and every
#     fprintf(stderr, "tlslogger: ...").
# Of each call, the literals are taken in order until one gives a key. A
# leading "imtls: input '%s': "-like prefix is dropped, the rest is cut
# at placeholders and quotes (%s, ', \", parentheses, brackets), and the
# first piece of at least three words counts: shorter pieces are joints of
# a text made of several parts, whose other parts are counted on their own.
use strict;
use warnings;

my $top = shift // '.';
my %keys;

sub slurp {
    my ($f) = @_;
    open my $fh, '<', $f or die "cannot read $f: $!\n";
    local $/;
    my $s = <$fh>;
    $s =~ s{//[^\n]*}{}g;    # C++ comments (no literal here holds //)
    $s =~ s{/\*.*?\*/}{}gs;  # C comments
    return $s;
}

# the argument text of the call whose '(' ends at pos($$sref)
sub call_args {
    my ($sref, $start) = @_;
    my ($depth, $i, $n) = (1, $start, length $$sref);
    while ($depth > 0 && $i < $n) {
        my $c = substr($$sref, $i, 1);
        if ($c eq '"') {
            $i++;
            while ($i < $n && substr($$sref, $i, 1) ne '"') { $i += substr($$sref, $i, 1) eq '\\' ? 2 : 1; }
        } elsif ($c eq "'") {
            $i++;
            while ($i < $n && substr($$sref, $i, 1) ne "'") { $i += substr($$sref, $i, 1) eq '\\' ? 2 : 1; }
        } elsif ($c eq '(') {
            $depth++;
        } elsif ($c eq ')') {
            $depth--;
        }
        $i++;
    }
    return substr($$sref, $start, $i - $start - 1);
}

# the literals of a call's arguments, in order
sub literals {
    my ($args) = @_;
    return $args =~ /"((?:[^"\\]|\\.)*)"/g;
}

# add_first WHERE LITERAL...: the first literal that gives a key
sub add_first {
    my $where = shift;
    for my $l (@_) { return if add($l, $where); }
}

sub add {
    my ($text, $where) = @_;
    return unless defined $text;
    $text =~ s/^(?:imtls|omtls|tlslogger|%s): //;
    $text =~ s/^(?:input '%s'|action\(target=\\"%s\\"\)|module\(\)): //;
    $text =~ s/^(?:parameter '[^']*': )//;
    for my $seg (split /%[-+ #0-9.]*(?:ll|l|z)?[a-z]|'|\\"|\(|\)|\[|\]/, $text) {
        $seg =~ s/^[\s:;,.]+//;
        $seg =~ s/[\s:;,.]+$//;
        my @words = split /\s+/, $seg;
        next if @words < 3;
        $keys{$seg} //= $where;
        return 1;
    }
    return 0;
}

# reason names
{
    my $s = slurp("$top/runtime/error.cpp");
    $s =~ /syslogtls_reason_name\(int reason\)\s*\{(.*?)\n\}/s or die "syslogtls_reason_name not found\n";
    my $body = $1;
    my $n = 0;
    while ($body =~ /case\s+SYSLOGTLS_REASON_(\w+):\s*return\s+"([^"]+)"/g) {
        $n++;
        next if $1 eq 'NONE';
        $keys{$2} //= "runtime/error.cpp (reason name)";
    }
    die "no reason names found in runtime/error.cpp\n" if $n < 10;
}

for my $f (sort glob("$top/runtime/*.cpp")) {
    next if $f =~ m{/capi_[^/]*\.cpp$};
    (my $rel = $f) =~ s{^\Q$top\E/}{};
    my $s = slurp($f);
    while ($s =~ /\b(refuse|fail|report|emit|err|warn|Error|SettingError)\s*\(/g) {
        my ($fn, $p) = ($1, pos($s));
        my $args = call_args(\$s, $p);
        pos($s) = $p;
        if ($fn eq 'fail') {
            next unless $args =~ /^\s*SYSLOGTLS_E_\w+\s*,\s*SYSLOGTLS_REASON_/;
        } elsif ($fn eq 'Error' || $fn eq 'SettingError') {
            next unless $args =~ /SYSLOGTLS_E_(?:INVAL|FILE|ADDR)\b/;
        }
        add_first("$rel: $fn()", literals($args));
    }
    while ($s =~ /\*reason\s*=\s*((?:"(?:[^"\\]|\\.)*"\s*)+);/g) {
        my $lits = $1;
        my $t = join '', $lits =~ /"((?:[^"\\]|\\.)*)"/g;
        add($t, "$rel: *reason");
    }
}

for my $f (sort(glob("$top/plugins/*/*.cpp"))) {
    next if $f =~ /_test(?:_stubs)?\.cpp$/;
    (my $rel = $f) =~ s{^\Q$top\E/}{};
    my $s = slurp($f);
    while ($s =~ /\b(logError|logWarning|errorOnce|log|bad|warnings\.push_back)\s*\(/g) {
        my ($fn, $p) = ($1, pos($s));
        add_first("$rel: $fn()", literals(call_args(\$s, $p)));
        pos($s) = $p;
    }
    while ($s =~ /\berr\s*=\s*((?:"(?:[^"\\]|\\.)*"|[^;"])*);/g) {
        add_first("$rel: err =", literals($1));
    }
}

if (-f "$top/tools/tlslogger.c") {
    my $s = slurp("$top/tools/tlslogger.c");
    while ($s =~ /\b(fail_usage|fail_setup|fprintf)\s*\(/g) {
        my ($fn, $p) = ($1, pos($s));
        my $args = call_args(\$s, $p);
        pos($s) = $p;
        next if $fn eq 'fprintf' && $args !~ /^\s*stderr\s*,\s*"tlslogger: /;
        add_first("tools/tlslogger.c: $fn()", literals($args));
    }
}

print "$_\t$keys{$_}\n" for sort keys %keys;
