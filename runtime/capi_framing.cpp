// capi_framing.cpp - the C API of the framing codec: thin forwarders behind the exception firewall.
#include <strings.h>

#include <string>

#include "error.hpp"
#include "framing.hpp"
#include "syslogtls.h"

struct syslogtls_decoder final {
  syslogtls::Decoder dec;
  syslogtls_decoder(int framing, size_t max_frame, int oversize) : dec(framing, max_frame, oversize) {}
  syslogtls_decoder(const syslogtls_decoder&) = delete;
  syslogtls_decoder& operator=(const syslogtls_decoder&) = delete;
};

namespace {

struct Name {
  const char* text;
  int value;
};

int parse_name(const char* text, int* value, const Name* names, size_t n, const char* what,
               const char* valid) {
  if (value == nullptr) throw syslogtls::Error(SYSLOGTLS_E_INVAL, "NULL result pointer");
  if (text != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      if (strcasecmp(text, names[i].text) == 0) {
        *value = names[i].value;
        return SYSLOGTLS_OK;
      }
    }
  }
  throw syslogtls::Error(SYSLOGTLS_E_INVAL, std::string("invalid ") + what + " '" +
                                                (text != nullptr ? text : "(null)") +
                                                "' (valid: " + valid + ")");
}

}  // namespace

extern "C" {

int syslogtls_framing_parse(const char* text, int* framing) {
  static const Name names[] = {{"auto", SYSLOGTLS_FRAMING_AUTO},
                               {"octet-counted", SYSLOGTLS_FRAMING_OCTET_COUNTED},
                               {"lf", SYSLOGTLS_FRAMING_LF}};
  return syslogtls::guarded([&] {
    return parse_name(text, framing, names, 3, "framing", "auto, octet-counted, lf");
  });
}

int syslogtls_oversize_parse(const char* text, int* mode) {
  static const Name names[] = {{"truncate", SYSLOGTLS_OVERSIZE_TRUNCATE},
                               {"discard", SYSLOGTLS_OVERSIZE_DISCARD},
                               {"close", SYSLOGTLS_OVERSIZE_CLOSE}};
  return syslogtls::guarded([&] {
    return parse_name(text, mode, names, 3, "oversize mode", "truncate, discard, close");
  });
}

int syslogtls_frame_encode(int framing, const char* msg, size_t len, char* out, size_t cap, size_t* out_len,
                           int* lf_replaced) {
  return syslogtls::guarded([&] {
    if (out_len == nullptr) throw syslogtls::Error(SYSLOGTLS_E_INVAL, "NULL out_len");
    *out_len = 0;
    if (lf_replaced != nullptr) *lf_replaced = 0;
    if (msg == nullptr && len != 0) throw syslogtls::Error(SYSLOGTLS_E_INVAL, "NULL message");
    syslogtls::check_encodable(framing, len);
    const size_t need = syslogtls::encoded_size(framing, len);
    *out_len = need;
    if (need > cap || out == nullptr) {
      throw syslogtls::Error(SYSLOGTLS_E_SPACE, "the encoded frame needs " + std::to_string(need) +
                                                    " bytes, the buffer holds " + std::to_string(cap));
    }
    const bool replaced = syslogtls::encode_frame_into(framing, msg, len, out);
    if (lf_replaced != nullptr) *lf_replaced = replaced ? 1 : 0;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_decoder_new(syslogtls_decoder** out, int framing, size_t max_frame, int oversize_mode) {
  return syslogtls::guarded([&] {
    if (out == nullptr) throw syslogtls::Error(SYSLOGTLS_E_INVAL, "NULL result pointer");
    *out = nullptr;
    *out = new syslogtls_decoder(framing, max_frame, oversize_mode);
    return SYSLOGTLS_OK;
  });
}

void syslogtls_decoder_free(syslogtls_decoder* dec) { delete dec; }

// A non-zero callback result stops decoding; the rest of that buffer is not
// decoded (the caller is expected to stop using the stream).
int syslogtls_decoder_feed(syslogtls_decoder* dec, const void* buf, size_t len, syslogtls_frame_fn fn,
                           void* user) {
  return syslogtls::guarded([&] {
    if (dec == nullptr || (buf == nullptr && len != 0) || fn == nullptr) {
      throw syslogtls::Error(SYSLOGTLS_E_INVAL, "NULL decoder, buffer or callback");
    }
    const char* bytes = static_cast<const char*>(buf);
    size_t pos = 0;
    syslogtls::Frame f;
    for (;;) {
      switch (dec->dec.next(bytes, len, &pos, &f)) {
        case syslogtls::DecodeStatus::frame: {
          const syslogtls_frame cf{f.data, f.len, f.flags};
          const int rc = fn(&cf, user);
          if (rc != 0) return rc;
          break;
        }
        case syslogtls::DecodeStatus::need_more:
          return SYSLOGTLS_OK;
        case syslogtls::DecodeStatus::error:
          throw syslogtls::Error(SYSLOGTLS_E_FRAME, dec->dec.error_text());
      }
    }
  });
}

int syslogtls_decoder_finish(syslogtls_decoder* dec) {
  return syslogtls::guarded([&] {
    if (dec == nullptr) throw syslogtls::Error(SYSLOGTLS_E_INVAL, "NULL decoder");
    if (!dec->dec.finish()) throw syslogtls::Error(SYSLOGTLS_E_FRAME, dec->dec.error_text());
    return SYSLOGTLS_OK;
  });
}

}  // extern "C"
