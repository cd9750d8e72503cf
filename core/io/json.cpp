// json.cpp: building values and writing them as text (the parser is in json_parse.cpp).
#include "core/io/json.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <unordered_set>

#include "core/error.hpp"

namespace sf::json {

// ---- values ------------------------------------------------------------------------------------------

Value Value::from_bool(bool b) {
  Value v;
  v.kind = Kind::Bool;
  v.boolean = b;
  return v;
}
Value Value::from_int(std::int64_t i) {
  Value v;
  v.kind = Kind::Integer;
  v.integer = i;
  return v;
}
Value Value::from_double(double d) {
  Value v;
  v.kind = Kind::Double;
  v.number = d;
  return v;
}
Value Value::from_string(std::string s) {
  Value v;
  v.kind = Kind::String;
  v.string = std::move(s);
  return v;
}
Value Value::array(std::vector<Value> items) {
  Value v;
  v.kind = Kind::Array;
  v.items = std::move(items);
  return v;
}
Value Value::object() {
  Value v;
  v.kind = Kind::Object;
  return v;
}
Value& Value::add(std::string key, Value value) {
  members.emplace_back(std::move(key), std::move(value));
  return *this;
}

const Value* Value::find(std::string_view key) const {
  if (kind != Kind::Object) return nullptr;
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::Null:
      return "null";
    case Value::Kind::Bool:
      return "bool";
    case Value::Kind::Integer:
      return "integer";
    case Value::Kind::Double:
      return "number";
    case Value::Kind::String:
      return "string";
    case Value::Kind::Array:
      return "array";
    case Value::Kind::Object:
      return "object";
  }
  return "?";
}

// ---- writer ------------------------------------------------------------------------------------------

namespace {

void write_string(std::string& out, const std::string& s) {
  if (const std::size_t bad = find_invalid_utf8(s); bad != s.size())
    fail<ValueError>("json: cannot write a string that is not valid UTF-8 (bad byte at offset ", bad, ")");
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xF];
          out += hex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void write_value(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null:
      out += "null";
      return;
    case Value::Kind::Bool:
      out += v.boolean ? "true" : "false";
      return;
    case Value::Kind::Integer:
      out += std::to_string(v.integer);
      return;
    case Value::Kind::Double: {
      if (!std::isfinite(v.number)) fail<ValueError>("json: cannot write the non-finite number ", v.number);
      char buffer[32];
      // The shortest text that reads back as the same double, and as a double: "1", "-0" or
      // "922337203685477580800" would read back as an integer (or be refused as one), so they get ".0".
      const auto result = std::to_chars(buffer, buffer + sizeof buffer, v.number);
      const std::string_view text(buffer, result.ptr);
      out += text;
      if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
      return;
    }
    case Value::Kind::String:
      write_string(out, v.string);
      return;
    case Value::Kind::Array:
      out += '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += ',';
        write_value(out, v.items[i]);
      }
      out += ']';
      return;
    case Value::Kind::Object: {
      std::unordered_set<std::string_view> keys;
      for (const auto& member : v.members)
        if (!keys.insert(member.first).second)
          fail<ValueError>("json: cannot write an object with the key \"", member.first, "\" twice");
      out += '{';
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i > 0) out += ',';
        write_string(out, v.members[i].first);
        out += ':';
        write_value(out, v.members[i].second);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string write(const Value& value) {
  std::string out;
  write_value(out, value);
  return out;
}

}  // namespace sf::json
