// A small strict JSON parser for tests of the JSON sinks (RFC 8259: no trailing commas,
// no raw control characters in strings, valid \u escapes, UTF-8 text). Returns a tree so
// tests can check fields; std::nullopt when the text is not valid JSON.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gotrace::test {

struct Json {
  using Array = std::vector<Json>;
  using Object = std::map<std::string, Json>;
  // null, bool, number (text kept exact), string (decoded), array, object
  std::variant<std::monostate, bool, std::string, std::u32string, Array, Object> v;
  std::string number;  // set for numbers

  bool is_object() const { return std::holds_alternative<Object>(v); }
  const Json& operator[](const std::string& k) const { return std::get<Object>(v).at(k); }
  const Json& operator[](std::size_t i) const { return std::get<Array>(v).at(i); }
  bool has(const std::string& k) const { return is_object() && std::get<Object>(v).count(k); }
  std::size_t size() const {
    if (auto* a = std::get_if<Array>(&v)) return a->size();
    if (auto* o = std::get_if<Object>(&v)) return o->size();
    return 0;
  }
  // String value as code points (each < 0x100 maps back to one byte for "data" fields).
  const std::u32string& str() const { return std::get<std::u32string>(v); }
  std::string ascii() const { return std::string(str().begin(), str().end()); }
  double num() const { return std::stod(number); }
  bool is_true() const {
    const bool* b = std::get_if<bool>(&v);
    return b && *b;
  }
};

class JsonParser {
 public:
  static std::optional<Json> parse(std::string_view text) {
    JsonParser p(text);
    Json j;
    if (!p.value(j, 0)) return std::nullopt;
    p.ws();
    if (p.i_ != text.size()) return std::nullopt;
    return j;
  }

 private:
  explicit JsonParser(std::string_view s) : s_(s) {}

  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool lit(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  bool value(Json& j, int depth) {
    if (depth > 64) return false;
    ws();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') return object(j, depth);
    if (c == '[') return array(j, depth);
    if (c == '"') {
      std::u32string out;
      if (!string(out)) return false;
      j.v = std::move(out);
      return true;
    }
    if (lit("true")) return j.v = true, true;
    if (lit("false")) return j.v = false, true;
    if (lit("null")) return true;
    return number(j);
  }
  bool digits() {
    std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }
  bool number(Json& j) {
    std::size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') ++i_;
    else if (!digits()) return false;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return false;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return false;
    }
    j.number = std::string(s_.substr(start, i_ - start));
    j.v = std::string("number");
    return true;
  }
  bool hex4(uint32_t& cp) {
    if (i_ + 4 > s_.size()) return false;
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      char h = s_[i_++];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<uint32_t>(h - 'A' + 10);
      else return false;
    }
    return true;
  }
  bool utf8(std::u32string& out) {
    auto c = static_cast<unsigned char>(s_[i_]);
    int n = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c <= 0xdf ? 1 : -1;
    if (n < 0 || i_ + static_cast<std::size_t>(n) >= s_.size()) return false;
    uint32_t cp = c & (0x3f >> n);
    for (int k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s_[i_ + static_cast<std::size_t>(k)]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    out += static_cast<char32_t>(cp);
    i_ += static_cast<std::size_t>(n) + 1;
    return true;
  }
  bool string(std::u32string& out) {
    ++i_;
    while (i_ < s_.size()) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        if (!utf8(out)) return false;
        continue;
      }
      ++i_;
      if (c != '\\') {
        out += static_cast<char32_t>(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"': out += U'"'; break;
        case '\\': out += U'\\'; break;
        case '/': out += U'/'; break;
        case 'b': out += U'\b'; break;
        case 'f': out += U'\f'; break;
        case 'n': out += U'\n'; break;
        case 'r': out += U'\r'; break;
        case 't': out += U'\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          out += static_cast<char32_t>(cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool array(Json& j, int depth) {
    ++i_;
    Json::Array a;
    ws();
    if (lit("]")) return j.v = std::move(a), true;
    while (true) {
      Json e;
      if (!value(e, depth + 1)) return false;
      a.push_back(std::move(e));
      ws();
      if (lit("]")) return j.v = std::move(a), true;
      if (!lit(",")) return false;
    }
  }
  bool object(Json& j, int depth) {
    ++i_;
    Json::Object o;
    ws();
    if (lit("}")) return j.v = std::move(o), true;
    while (true) {
      ws();
      std::u32string key;
      if (i_ >= s_.size() || s_[i_] != '"' || !string(key)) return false;
      ws();
      if (!lit(":")) return false;
      Json e;
      if (!value(e, depth + 1)) return false;
      std::string k(key.begin(), key.end());  // keys here are ASCII
      if (!o.emplace(std::move(k), std::move(e)).second) return false;  // duplicate key
      ws();
      if (lit("}")) return j.v = std::move(o), true;
      if (!lit(",")) return false;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace gotrace::test
