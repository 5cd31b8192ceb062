// A small JSON reader for what apt sends its JSON hooks (apt's
// doc/json-hooks-protocol.md): objects, arrays, strings, numbers, true,
// false, null. Only reading; numbers are kept as their text. Input is outside
// data: a malformed or too deeply nested document is an error value, never a
// crash.
#pragma once

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

// Parses one JSON document (surrounding whitespace allowed, nothing else).
Result<JsonValue> parse_json(const std::string& text);

// TEXT as a JSON string literal, quotes included.
std::string json_quote(const std::string& text);

}  // namespace sckl
