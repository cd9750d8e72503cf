// Tests for the validation in core/io/safetensors_read.cpp: every rule a file can break has its own
// message, and truncated or corrupted files give an IOError, never a crash.
#include <cstring>
#include <optional>

#include "core/io/json.hpp"
#include "core/io/safetensors.hpp"
#include "support.hpp"

using namespace sf;

namespace {

/// A file: the 8-byte length (the header's size unless `length` says otherwise), the header, `data`.
std::vector<std::byte> file_of(std::string_view header, std::size_t data_bytes = 0,
                               std::optional<std::uint64_t> length = std::nullopt) {
  const std::uint64_t n = length.value_or(header.size());
  std::vector<std::byte> out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::byte>(n >> (8 * i)));
  for (char c : header) out.push_back(static_cast<std::byte>(c));
  out.resize(out.size() + data_bytes, std::byte{0});
  return out;
}

/// The reader's message for a file, without the "safetensors: '<memory>': " prefix. The hand-made
/// files here have no checksums, so they are read as an import (Checksums::if_present) unless told.
std::string error_of(const std::vector<std::byte>& file, Checksums checksums = Checksums::if_present) {
  try {
    parse_safetensors(file, "<memory>", checksums);
  } catch (const IOError& e) {
    const std::string prefix = "safetensors: '<memory>': ";
    const std::string m = e.what();
    return m.starts_with(prefix) ? m.substr(prefix.size()) : "(no prefix) " + m;
  }
  return "";
}

/// `file` (a valid safetensors file) with its header's metadata changed by `edit`.
template <class Edit>
std::vector<std::byte> with_metadata(const std::vector<std::byte>& file, Edit edit) {
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = n << 8 | std::to_integer<std::uint64_t>(file[static_cast<std::size_t>(i)]);
  json::Value header = json::parse({reinterpret_cast<const char*>(file.data() + 8), n});
  std::map<std::string, std::string> metadata;
  std::vector<std::pair<std::string, json::Value>> members;
  for (auto& [key, value] : header.members) {
    if (key == "__metadata__")
      for (const auto& [k, v] : value.members) metadata[k] = v.string;
    else
      members.emplace_back(key, value);
  }
  edit(metadata);
  json::Value out = json::Value::object();
  if (!metadata.empty()) {
    json::Value meta = json::Value::object();
    for (const auto& [k, v] : metadata) meta.add(k, json::Value::from_string(v));
    out.add("__metadata__", std::move(meta));
  }
  for (auto& [key, value] : members) out.add(key, std::move(value));
  std::string text = json::write(out);
  text.append((8 - text.size() % 8) % 8, ' ');
  std::vector<std::byte> result = file_of(text);
  result.insert(result.end(), file.begin() + 8 + static_cast<std::ptrdiff_t>(n), file.end());
  return result;
}

/// A header with one F32 tensor "w" of the given shape and offsets (as JSON text).
std::string one(std::string_view shape, std::string_view offsets, std::string_view dtype = "\"F32\"") {
  return str(R"({"w":{"dtype":)", dtype, R"(,"shape":)", shape, R"(,"data_offsets":)", offsets, "}}");
}

}  // namespace

TEST_SUITE("checkpoints") {
  TEST_CASE("safetensors errors: the length prefix") {
    CHECK(error_of(std::vector<std::byte>(5)) ==
          "the file is 5 bytes long, too short for the 8-byte header length");
    CHECK(error_of(file_of("{}", 0, 100'000'001)) ==
          "header length 100000001 exceeds the limit of 100000000 bytes");
    CHECK(error_of(file_of("{}", 0, UINT64_MAX - 1)) ==  // must not wrap around when added to 8
          "header length 18446744073709551614 exceeds the limit of 100000000 bytes");
    // Below the limit but beyond the file: refused before anything is allocated for it.
    CHECK(error_of(file_of("{}", 18, 99'999'999)) ==
          "header length 99999999 is larger than the 20 bytes after it");
    CHECK(error_of(file_of("{}", 0, 3)) == "header length 3 is larger than the 2 bytes after it");
  }

  TEST_CASE("safetensors errors: the header must be a JSON object") {
    CHECK(error_of(file_of("{\"w\" 1}")) ==
          "invalid header: json: at byte 5: expected ':' after an object key");
    CHECK(error_of(file_of("")) ==
          "invalid header: json: at byte 0: unexpected end of input, expected a value");
    CHECK(error_of(file_of("[]")) == "the header is a JSON array, not an object");
    // A valid header nests three levels at most (header, tensor, shape) and needs 4 bytes per value.
    CHECK(error_of(file_of(R"({"w":{"shape":[[1]]}})")) ==
          "invalid header: json: at byte 15: nesting deeper than 3 levels");
    std::string dense = "{\"a\":[0";
    for (int i = 0; i < 100; ++i) dense += ",0";
    CHECK(error_of(file_of(dense + "]}")) == "invalid header: json: at byte 122: more than 60 values");
    CHECK(error_of(file_of(R"({"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"w":{}})", 4)) ==
          "invalid header: json: at byte 53: duplicate key \"w\"");
  }

  TEST_CASE("safetensors errors: metadata maps strings to strings") {
    CHECK(error_of(file_of(R"({"__metadata__":5})")) == "__metadata__ is a JSON integer, not an object");
    CHECK(error_of(file_of(R"({"__metadata__":{"step":7}})")) ==
          "metadata value for key 'step' is a JSON integer, not a string");
  }

  TEST_CASE("safetensors errors: a tensor entry has exactly dtype, shape and data_offsets") {
    CHECK(error_of(file_of(R"({"w":[1]})")) == "tensor 'w' is a JSON array, not an object");
    CHECK(error_of(file_of(R"({"w":{"dtype":"F32","shape":[],"data_offsets":[0,4],"crc":1}})", 4)) ==
          "tensor 'w' has an unknown field 'crc'");
    CHECK(error_of(file_of(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", 4)) ==
          "tensor 'w' has no 'shape'");
    CHECK(error_of(file_of(one("[]", "[0,4]", "1"), 4)) ==
          "tensor 'w': dtype is a JSON integer, not a string");
    CHECK(error_of(file_of(one("[]", "[0,2]", "\"F16\""), 2)) ==
          "tensor 'w' has dtype 'F16'; supported are F32, F64, I64 and BOOL");
    CHECK(error_of(file_of(one("[]", "[0,4]", "\"f32\""), 4)) ==
          "tensor 'w' has dtype 'f32'; supported are F32, F64, I64 and BOOL");
  }

  TEST_CASE("safetensors errors: shapes") {
    CHECK(error_of(file_of(one("4", "[0,16]"), 16)) == "tensor 'w': shape is a JSON integer, not an array");
    CHECK(error_of(file_of(one("[2,-1]", "[0,0]"))) ==
          "tensor 'w': shape entry 1 is not a non-negative integer");
    CHECK(error_of(file_of(one("[2.5]", "[0,0]"))) ==
          "tensor 'w': shape entry 0 is not a non-negative integer");
    CHECK(error_of(file_of(one("[1,1,1,1,1,1,1,1,1]", "[0,4]"), 4)) ==
          "tensor 'w' has 9 dimensions; at most 8 are supported");
    CHECK(error_of(file_of(one("[4294967296,4294967296]", "[0,0]"))) ==
          "tensor 'w': the sizes of shape [4294967296, 4294967296] multiply to more than 64 bits hold");
    // Empty, but its strides would still overflow.
    CHECK(error_of(file_of(one("[0,4294967296,4294967296]", "[0,0]"))) ==
          "tensor 'w': the sizes of shape [0, 4294967296, 4294967296] multiply to more than 64 bits hold");
    CHECK(error_of(file_of(one("[4611686018427387904]", "[0,0]"))) ==
          "tensor 'w' of shape [4611686018427387904] has more bytes than 64 bits hold");
  }

  TEST_CASE("safetensors errors: data_offsets") {
    const std::string bad = "tensor 'w': data_offsets must be two non-negative integers [begin, end]";
    CHECK(error_of(file_of(one("[1]", "4"), 4)) == bad);
    CHECK(error_of(file_of(one("[1]", "[4]"), 4)) == bad);
    CHECK(error_of(file_of(one("[1]", "[0,4,8]"), 4)) == bad);
    CHECK(error_of(file_of(one("[1]", "[\"0\",4]"), 4)) == bad);
    CHECK(error_of(file_of(one("[1]", "[-4,0]"), 4)) == bad);
    CHECK(error_of(file_of(one("[1]", "[0,4.0]"), 4)) == bad);
    CHECK(error_of(file_of(one("[1]", "[8,4]"), 8)) ==
          "tensor 'w': data_offsets [8, 4] end before they begin");
    CHECK(error_of(file_of(one("[2]", "[0,8]"), 4)) ==
          "tensor 'w': data_offsets [0, 8] go beyond the data section's 4 bytes");
    CHECK(error_of(file_of(one("[2]", "[0,9223372036854775807]"), 4)) ==
          "tensor 'w': data_offsets [0, 9223372036854775807] go beyond the data section's 4 bytes");
    CHECK(error_of(file_of(one("[2]", "[0,4]"), 4)) ==
          "tensor 'w': data_offsets [0, 4] hold 4 bytes, but [2] F32 needs 8");
  }

  TEST_CASE("safetensors errors: the tensors must tile the data section, without overlaps or gaps") {
    const auto two = [](std::string_view a, std::string_view b) {
      return str(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":)", a, R"(},)",
                 R"("b":{"dtype":"F32","shape":[2],"data_offsets":)", b, R"(}})");
    };
    CHECK(error_of(file_of(two("[0,8]", "[4,12]"), 12)) == "tensors 'a' [0, 8) and 'b' [4, 12) overlap");
    CHECK(error_of(file_of(two("[0,8]", "[0,8]"), 8)) == "tensors 'a' [0, 8) and 'b' [0, 8) overlap");
    CHECK(error_of(file_of(two("[0,8]", "[12,20]"), 20)) ==
          "bytes [8, 12) of the data section belong to no tensor");
    CHECK(error_of(file_of(two("[4,12]", "[12,20]"), 20)) ==
          "bytes [0, 4) of the data section belong to no tensor");
    CHECK(error_of(file_of(two("[0,8]", "[8,16]"), 19)) ==
          "bytes [16, 19) of the data section belong to no tensor");
    CHECK(error_of(file_of("{}", 3)) == "bytes [0, 3) of the data section belong to no tensor");
    // Empty tensors take no bytes, wherever they sit between others.
    CHECK(error_of(file_of(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                           R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                           8)) == "tensors 'b' [0, 8) and 'a' [4, 4) overlap");
  }

  TEST_CASE("safetensors errors: a BOOL byte must be 0 or 1") {
    std::vector<std::byte> f = file_of(R"({"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})", 3);
    f[f.size() - 2] = std::byte{2};
    CHECK(error_of(f) == "tensor 'm' (BOOL) holds the byte 2 at element 1; a bool must be 0 or 1");
  }

  TEST_CASE(
      "safetensors errors: every truncation and many corruptions of a real file are IOErrors, never "
      "crashes") {
    const std::vector<std::byte> good = serialize_safetensors({{"w", tensor({1, 2, 3, 4}, {2, 2})},
                                                               {"b", tensor({1, 0}, {.dtype = kBool})},
                                                               {"i", zeros({1}, {.dtype = kInt64})}},
                                                              {{"step", "3"}});
    for (std::size_t n = 0; n < good.size(); ++n) {
      const std::vector<std::byte> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
      CHECK_THROWS_AS(parse_safetensors(cut), IOError);
    }
    int parsed = 0, refused = 0;
    for (std::size_t i = 0; i < good.size(); ++i)
      for (const unsigned flip : {0x01u, 0x20u, 0x80u, 0xffu}) {
        std::vector<std::byte> bad = good;
        bad[i] ^= static_cast<std::byte>(flip);
        try {
          parse_safetensors(bad);
          ++parsed;  // e.g. a space in the padding turned into a tab, or the "3" of "step" into a "2"
        } catch (const IOError&) {
          ++refused;
        }
      }
    CHECK(parsed > 0);
    CHECK(refused > 0);
  }

  TEST_CASE("safetensors checksums: every changed bit of every tensor is caught, naming the tensor") {
    const std::map<std::string, Tensor> tensors{{"w", tensor({1, 2, 3, 4}, {2, 2})},
                                                {"b", tensor({1, 0}, {.dtype = kBool})},
                                                {"i", zeros({1}, {.dtype = kInt64})}};
    const std::vector<std::byte> good = serialize_safetensors(tensors, {{"step", "3"}});
    // The data section, from the writer's order: i (8 bytes), w (16), b (2).
    const std::size_t data = good.size() - 26;
    const auto owner = [&](std::size_t i) { return i < data + 8 ? "i" : i < data + 24 ? "w" : "b"; };
    int caught = 0;
    for (std::size_t i = data; i < good.size(); ++i)
      for (int bit = 0; bit < 8; ++bit) {
        std::vector<std::byte> bad = good;
        bad[i] ^= static_cast<std::byte>(1 << bit);
        const std::string e = error_of(bad, Checksums::required);
        caught += e.starts_with(str("tensor '", owner(i), "' is corrupted: its "));
        // An import verifies the checksums a file has, too.
        CHECK(error_of(bad, Checksums::if_present) == e);
      }
    CHECK(caught == 26 * 8);
    std::vector<std::byte> bad = good;
    bad[data + 8] ^= std::byte{0x01};  // w[0] = 1.0f becomes 1.0000001f
    CHECK(error_of(bad, Checksums::required) ==
          "tensor 'w' is corrupted: its 16 bytes have the CRC-32 25cf85c5, but the file records 8ba71454 "
          "(sf.crc32.w)");
  }

  TEST_CASE("safetensors checksums: deleting them does not get a file past the checked load") {
    const std::vector<std::byte> good =
        serialize_safetensors({{"w", tensor({1, 2})}, {"b", tensor({3})}}, {{"step", "3"}});
    CHECK(error_of(good, Checksums::required).empty());
    const auto none =
        with_metadata(good, [](auto& m) { std::erase_if(m, [](auto& kv) { return kv.first != "step"; }); });
    CHECK(error_of(none, Checksums::required) ==
          "tensor 'b' has no checksum (no 'sf.crc32.b' in __metadata__): scratchformer writes one for every "
          "tensor, so this file was written by another tool or its checksums were removed; weights from "
          "another tool load only through an explicit import (Checksums::if_present)");
    const auto one_less = with_metadata(good, [](auto& m) { m.erase("sf.crc32.w"); });
    CHECK(error_of(one_less, Checksums::required).starts_with("tensor 'w' has no checksum"));
    // The explicit import takes them, and a caller never sees the checksum keys.
    const SafetensorsFile imported = parse_safetensors(none, "<memory>", Checksums::if_present);
    CHECK(imported.tensors.size() == 2);
    CHECK(imported.metadata == std::map<std::string, std::string>{{"step", "3"}});
    CHECK(parse_safetensors(good).metadata == std::map<std::string, std::string>{{"step", "3"}});
  }

  TEST_CASE("safetensors checksums: a checksum entry must be 8 lowercase hex digits naming a tensor") {
    const std::vector<std::byte> good = serialize_safetensors({{"w", tensor({1, 2})}});
    for (const Checksums mode : {Checksums::required, Checksums::if_present}) {
      CHECK(error_of(with_metadata(good, [](auto& m) { m["sf.crc32.w"] = "12345"; }), mode) ==
            "metadata 'sf.crc32.w' is \"12345\", not a CRC-32 of 8 lowercase hexadecimal digits");
      CHECK(error_of(with_metadata(good, [](auto& m) { m["sf.crc32.w"] = "C3872656"; }), mode) ==
            "metadata 'sf.crc32.w' is \"C3872656\", not a CRC-32 of 8 lowercase hexadecimal digits");
      CHECK(error_of(with_metadata(good, [](auto& m) { m["sf.crc32.w"] = "0x872656"; }), mode) ==
            "metadata 'sf.crc32.w' is \"0x872656\", not a CRC-32 of 8 lowercase hexadecimal digits");
      CHECK(error_of(with_metadata(good, [](auto& m) { m["sf.crc32.v"] = "00000000"; }), mode) ==
            "metadata 'sf.crc32.v' is the checksum of a tensor 'v' that the file does not have");
    }
  }

  TEST_CASE("safetensors errors: the file's name is in the message") {
    CHECK_THROWS_WITH_AS(
        parse_safetensors(std::vector<std::byte>(3), "ckpt/step-100.safetensors"),
        "safetensors: 'ckpt/step-100.safetensors': the file is 3 bytes long, too short for the "
        "8-byte header length",
        IOError);
  }
}
