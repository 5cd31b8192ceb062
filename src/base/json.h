// JSON through nlohmann-json (>= 3.10.5, Ubuntu 22.04's; nothing newer is
// used). Reading: what apt sends its JSON hooks (apt's
// doc/json-hooks-protocol.md), into JsonValue: objects, arrays, strings,
// numbers (kept as their text), true, false, null. Input is outside data: a
// malformed, non-UTF-8 or too deeply nested document is an error value, never
// a crash. Writing: json_text and json_quote, always valid UTF-8.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"

namespace sckl {

struct JsonMember;

struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;  // a string's value, or a number as written
  std::vector<JsonValue> items;                // Array
  std::vector<JsonMember> members;  // Object, in document order

  // The member NAME of an object (the first one), or nullptr.
  const JsonValue* find(const std::string& name) const;
  // The member NAME when it is a string, else "".
  std::string string_member(const std::string& name) const;
  // The strings of the array member NAME (other items skipped).
  std::vector<std::string> string_items(const std::string& name) const;
};

// One member of an object (a struct, not a std::pair: a pair needs
// JsonValue complete where JsonValue is being defined).
struct JsonMember {
  std::string name;
  JsonValue value;
};

// Parses one JSON document (surrounding whitespace allowed, nothing else);
// at most 64 levels deep.
Result<JsonValue> parse_json(const std::string& text);

// sckl's JSON output (status --json, list --json, apt's hook replies):
// members in the order they were added.
using JsonOut = nlohmann::ordered_json;

// VALUE on one line, no spaces. Bytes that are not UTF-8 (a kernel name or a
// path from the disk may hold any) become U+FFFD, so the output is always
// valid JSON instead of an exception.
std::string json_text(const JsonOut& value);

// TEXT as a JSON string literal, quotes included (json_text of a string).
std::string json_quote(const std::string& text);

}  // namespace sckl
