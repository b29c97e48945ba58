// Field encoders and a bounds-checked decoder for the .gtr format (record_format.h).
// Internal to gotrace_record: shared by RecordWriter and ReplaySource.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace gotrace::record {

// Appends fields to a reused buffer.
class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16le(uint16_t v) {
    char b[2] = {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
    out_.append(b, 2);
  }
  void u32le(uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    out_.append(b, 4);
  }
  void uv(uint64_t v) {
    char b[10];
    int n = 0;
    while (v >= 0x80) {
      b[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    b[n++] = static_cast<char>(v);
    out_.append(b, static_cast<std::size_t>(n));
  }
  void sv(int64_t v) {
    uint64_t u = static_cast<uint64_t>(v);
    uv((u << 1) ^ (v < 0 ? ~uint64_t{0} : 0));
  }
  void str(std::string_view s) {
    uv(s.size());
    out_.append(s);
  }

 private:
  std::string& out_;
};

// Thrown by Decoder on malformed input; the reader adds the file name and offset.
struct DecodeError {
  const char* what;
};

// Reads fields from [p, end). Every read checks the bounds.
class Decoder {
 public:
  Decoder(const unsigned char* p, const unsigned char* end) : p_(p), end_(end) {}

  uint8_t u8() {
    if (p_ >= end_) throw DecodeError{"field runs past the end of the record"};
    return *p_++;
  }
  uint64_t uv() {
    if (p_ < end_ && *p_ < 0x80) return *p_++;
    return uv_slow();
  }
  int64_t sv() {
    uint64_t u = uv();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  int32_t sv32() {
    int64_t v = sv();
    if (v < INT32_MIN || v > INT32_MAX) throw DecodeError{"32-bit field out of range"};
    return static_cast<int32_t>(v);
  }
  uint32_t u32() {
    uint64_t v = uv();
    if (v > UINT32_MAX) throw DecodeError{"32-bit field out of range"};
    return static_cast<uint32_t>(v);
  }
  // Reads a str into `out`, reusing its capacity.
  void str(std::string& out) {
    uint64_t n = uv();
    if (n == 0) {  // the common case (arguments without data): no call into assign
      out.clear();
      return;
    }
    if (n > static_cast<uint64_t>(end_ - p_)) throw DecodeError{"string length runs past the end of the record"};
    out.assign(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
    p_ += n;
  }
  // A list count, checked against the bytes left (every element takes at least one byte).
  std::size_t count() {
    uint64_t n = uv();
    if (n > static_cast<uint64_t>(end_ - p_)) throw DecodeError{"list count runs past the end of the record"};
    return static_cast<std::size_t>(n);
  }
  // A length-prefixed element (uv length, bytes): a decoder over just its bytes. Fields
  // appended to the element by a newer writer are left unread.
  Decoder blob() {
    uint64_t n = uv();
    if (n > static_cast<uint64_t>(end_ - p_)) throw DecodeError{"element length runs past the end of the record"};
    Decoder d(p_, p_ + n);
    p_ += n;
    return d;
  }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

 private:
  uint64_t uv_slow() {
    if (end_ - p_ >= 10) {  // a whole varint fits: no bounds check per byte
      uint64_t v = 0;
      for (int shift = 0; shift < 63; shift += 7) {
        uint8_t b = *p_++;
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (b < 0x80) return v;
      }
      uint8_t b = *p_++;  // the tenth byte holds bit 63 only
      if (b > 1) throw DecodeError{"varint overflows 64 bits"};
      return v | (static_cast<uint64_t>(b) << 63);
    }
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ >= end_) throw DecodeError{"varint runs past the end of the record"};
      uint8_t b = *p_++;
      if (shift == 63 && b > 1) throw DecodeError{"varint overflows 64 bits"};
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    throw DecodeError{"varint longer than 10 bytes"};
  }

  const unsigned char* p_;
  const unsigned char* end_;
};

inline uint16_t load_u16le(const unsigned char* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline uint32_t load_u32le(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

}  // namespace gotrace::record
