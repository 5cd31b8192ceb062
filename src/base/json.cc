#include "base/json.h"

#include <cerrno>
#include <string_view>
#include <utility>

namespace sckl {

namespace {

// apt's messages nest a few levels; the limit keeps a hostile document from
// exhausting the stack of whatever walks the result recursively.
constexpr size_t kMaxDepth = 64;

// nlohmann's SAX interface building a JsonValue: nlohmann parses and checks
// (grammar, escapes, UTF-8), this keeps the numbers' text and the depth limit.
class Builder {
 public:
  using json = nlohmann::json;

  bool null() { return add(JsonValue{}); }
  bool boolean(bool b) {
    JsonValue v;
    v.kind = JsonValue::Kind::Bool;
    v.boolean = b;
    return add(std::move(v));
  }
  bool number_integer(json::number_integer_t n) { return number(std::to_string(n)); }
  bool number_unsigned(json::number_unsigned_t n) { return number(std::to_string(n)); }
  // `text` is the number as written ("-1.5e3").
  bool number_float(json::number_float_t, const json::string_t& text) { return number(text); }
  bool string(json::string_t& s) {
    JsonValue v;
    v.kind = JsonValue::Kind::String;
    v.text = std::move(s);
    return add(std::move(v));
  }
  bool binary(json::binary_t&) { return fail("binary values are not JSON"); }
  bool start_object(std::size_t) { return open(JsonValue::Kind::Object); }
  bool key(json::string_t& k) {
    keys_.push_back(std::move(k));
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(JsonValue::Kind::Array); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 1,
    // column 2: syntax error ..."; the offset says where without the prefix.
    std::string why = e.what();
    if (auto p = why.find(": "); why.starts_with("[json.exception.") && p != std::string::npos) why.erase(0, p + 2);
    error_ = "JSON: " + why + " at offset " + std::to_string(position);
    return false;
  }

  Result<JsonValue> result(bool ok) {
    if (!ok || !done_) return Error{error_.empty() ? "JSON: incomplete document" : error_, EINVAL, {}};
    return std::move(root_);
  }

 private:
  bool number(std::string text) {
    JsonValue v;
    v.kind = JsonValue::Kind::Number;
    v.text = std::move(text);
    return add(std::move(v));
  }
  bool fail(const std::string& why) {
    error_ = "JSON: " + why;
    return false;
  }
  bool open(JsonValue::Kind kind) {
    if (stack_.size() >= kMaxDepth) return fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    JsonValue v;
    v.kind = kind;
    stack_.push_back(std::move(v));
    return true;
  }
  bool close() {
    JsonValue v = std::move(stack_.back());
    stack_.pop_back();
    return add(std::move(v));
  }
  bool add(JsonValue v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      done_ = true;
      return true;
    }
    JsonValue& parent = stack_.back();
    if (parent.kind == JsonValue::Kind::Array) {
      parent.items.push_back(std::move(v));
    } else {
      parent.members.push_back(JsonMember{std::move(keys_.back()), std::move(v)});
      keys_.pop_back();
    }
    return true;
  }

  std::vector<JsonValue> stack_;
  std::vector<std::string> keys_;
  JsonValue root_;
  bool done_ = false;
  std::string error_;
};

}  // namespace

const JsonValue* JsonValue::find(const std::string& name) const {
  if (kind != Kind::Object) return nullptr;
  for (const auto& [k, v] : members)
    if (k == name) return &v;
  return nullptr;
}

std::string JsonValue::string_member(const std::string& name) const {
  const JsonValue* v = find(name);
  return v && v->kind == Kind::String ? v->text : std::string();
}

std::vector<std::string> JsonValue::string_items(const std::string& name) const {
  std::vector<std::string> out;
  const JsonValue* v = find(name);
  if (!v || v->kind != Kind::Array) return out;
  for (const auto& i : v->items)
    if (i.kind == Kind::String) out.push_back(i.text);
  return out;
}

Result<JsonValue> parse_json(const std::string& text) {
  Builder builder;
  // Strict: one document and nothing after it but whitespace.
  bool ok = nlohmann::json::sax_parse(text, &builder, nlohmann::json::input_format_t::json, true);
  return builder.result(ok);
}

std::string json_text(const JsonOut& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_quote(const std::string& text) { return json_text(JsonOut(text)); }

}  // namespace sckl
