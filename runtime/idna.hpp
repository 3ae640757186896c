// idna.hpp - internationalised domain names to A-labels (RFC 5425 section
// 5.2 compares names in their ASCII form), through GnuTLS's IDNA support
// (gnutls_idna_map, IDNA2008 with libidn2): no dependency of our own.
//
// Thread-safe and stateless.
#pragma once

#include <string>
#include <string_view>

namespace syslogtls {

// True if every byte of text is 7-bit ASCII.
bool is_ascii(std::string_view text);

// name as A-labels: "bücher.example" -> "xn--bcher-kva.example". An ASCII
// name is returned unchanged (no check, no case change). A wildcard left-most
// label ("*.bücher.example") stays and the rest is converted; one trailing
// dot stays. false + *reason ("not a valid internationalised domain name
// (IDNA2008): ...") if the name is not valid UTF-8 or not a valid IDN.
// Throws only std::bad_alloc.
bool to_alabel(std::string_view name, std::string* out, std::string* reason);

}  // namespace syslogtls
