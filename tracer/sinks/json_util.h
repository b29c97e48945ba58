// JSON string writing shared by the jsonl and chrome sinks: always valid JSON, whatever
// bytes a tracee put in its buffers.
#pragma once

#include <string>
#include <string_view>

namespace gotrace::sinks {

// How bytes outside printable ASCII are written.
enum class JsonText {
  Utf8,   // text (paths, argv): valid UTF-8 passes through; each invalid byte is \u00XX
  Bytes,  // binary (Arg::data): every byte >= 0x80 is \u00XX, so code point = byte value
};

// Appends `s` as a quoted JSON string. Quotes, backslashes and control characters are
// escaped (\n \t \r \b \f, others \u00XX; also DEL as \u007f).
void append_json_string(std::string& out, std::string_view s, JsonText mode = JsonText::Utf8);

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one (overlong
// forms, surrogates and code points past U+10FFFF are invalid).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace gotrace::sinks
