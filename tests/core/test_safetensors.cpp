// Tests for core/io/safetensors_read.cpp, safetensors_write.cpp and state_dict.cpp: round trips of every
// dtype, the exact bytes of a tiny file, files laid out by other writers, atomic saves, and the state-dict
// helpers.
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <span>

#include "core/io/safetensors.hpp"
#include "core/io/state_dict.hpp"
#include "support.hpp"

using namespace sf;
namespace fs = std::filesystem;

namespace {

std::vector<std::byte> bytes_of(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

void append(std::vector<std::byte>& out, std::string_view text) {
  for (char c : text) out.push_back(static_cast<std::byte>(c));
}

/// Same shape, dtype and bits.
bool identical(const Tensor& a, const Tensor& b) {
  if (!(a.shape() == b.shape()) || a.dtype() != b.dtype()) return false;
  if (a.numel() == 0) return true;  // (an empty storage may have no address at all)
  const Tensor x = a.contiguous(), y = b.contiguous();
  return std::memcmp(x.storage()->data(), y.storage()->data(),
                     static_cast<std::size_t>(x.numel()) * itemsize(x.dtype())) == 0;
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("sf-safetensors-" + std::to_string(::getpid()) + "-" + name)).string();
}

}  // namespace

TEST_SUITE("checkpoints") {
  TEST_CASE("safetensors: every dtype round-trips, including 0-d and empty tensors") {
    Tensor i64 = zeros({4}, {.dtype = kInt64});
    i64.data<std::int64_t>()[0] = INT64_MIN;
    i64.data<std::int64_t>()[1] = -1;
    i64.data<std::int64_t>()[3] = INT64_MAX;
    std::map<std::string, Tensor> tensors{
        {"f32", tensor({1.5, -2.25, 3e-38, 1e38, 0.1, -0.0}, {2, 3})},
        {"f64.scalar", scalar_tensor(3.141592653589793, {.dtype = kFloat64})},
        {"i64", i64},
        {"mask", tensor({1, 0, 0, 1}, {2, 2}, {.dtype = kBool})},
        {"empty", zeros({0, 5})},
        {"empty.i64", zeros({3, 0}, {.dtype = kInt64})},
        {"nan", tensor({NAN, INFINITY, -INFINITY}, {.dtype = kFloat64})},
        {"", tensor({7})},  // legal in the format, if unusual
    };
    std::map<std::string, std::string> metadata{
        {"step", "1200"}, {"note", "été \"quoted\"\n"}, {"", "empty key"}};
    const SafetensorsFile back = parse_safetensors(serialize_safetensors(tensors, metadata));
    CHECK(back.metadata == metadata);
    REQUIRE(back.tensors.size() == tensors.size());
    for (const auto& named : tensors) {  // not a structured binding: clang 14 cannot capture one in INFO
      const std::string& name = named.first;
      const Tensor& t = named.second;
      INFO("tensor ", name);
      REQUIRE(back.tensors.count(name) == 1);
      CHECK(identical(back.tensors.at(name), t));
      // (core's is_contiguous() says false for a fresh [3, 0] tensor: reported, not ours to change)
      CHECK((back.tensors.at(name).is_contiguous() || t.numel() == 0));
      CHECK_FALSE(back.tensors.at(name).requires_grad());
    }
  }

  TEST_CASE("safetensors: views are written row-major and parameters without their graph") {
    const Tensor base = arange(6, {.dtype = kFloat64}).view({2, 3});
    const Tensor w = tensor({1, 2}, {.requires_grad = true});
    const SafetensorsFile back =
        parse_safetensors(serialize_safetensors({{"t", base.transpose(0, 1)}, {"w", w}}));
    test::check_values(back.tensors.at("t"), {0, 3, 1, 4, 2, 5}, 0);
    CHECK(back.tensors.at("t").shape() == Shape{3, 2});
    test::check_values(back.tensors.at("w"), {1, 2}, 0);
  }

  TEST_CASE("safetensors: the exact bytes of a tiny file, so that a format change is noticed") {
    const std::vector<std::byte> bytes = serialize_safetensors(
        {{"w", tensor({1.0, -2.0})}, {"b", tensor({1, 0}, {.dtype = kBool})}}, {{"step", "7"}});
    std::vector<std::byte> expected =
        bytes_of({0xc0, 0, 0, 0, 0, 0, 0, 0});  // header length 192, little-endian
    // The header: metadata first (with each tensor's CRC-32: Python's zlib.crc32(b"\x01\x00") is
    // 0x58c223be), then tensors by name. "w" (4-byte elements) comes first in the data section, "b"
    // (1-byte) after it, so each starts at a multiple of its element size.
    append(expected, R"({"__metadata__":{"sf.crc32.b":"58c223be","sf.crc32.w":"c3872656","step":"7"},)"
                     R"("b":{"dtype":"BOOL","shape":[2],"data_offsets":[8,10]},)"
                     R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})");
    append(expected, "       ");  // 185 bytes of JSON + 7 spaces = 192: the data starts 8-byte aligned
    const auto data = bytes_of({0x00, 0x00, 0x80, 0x3f,  // w[0] = 1.0f  (0x3f800000, little-endian)
                                0x00, 0x00, 0x00, 0xc0,  // w[1] = -2.0f (0xc0000000)
                                0x01, 0x00});            // b = [true, false]
    expected.insert(expected.end(), data.begin(), data.end());
    CHECK(bytes == expected);
  }

  TEST_CASE(
      "safetensors: a file laid out by another writer (any key order, spaces, data not by name) loads") {
    std::vector<std::byte> file = bytes_of({0x80, 0, 0, 0, 0, 0, 0, 0});  // 128-byte header
    const std::string header =
        R"({ "z": {"shape": [1], "data_offsets": [0, 8], "dtype": "I64"},  "a": {"dtype":"F64","shape":[],"data_offsets":[8,16]}})";
    REQUIRE(header.size() <= 128);
    append(file, header + std::string(128 - header.size(), ' '));
    const auto data = bytes_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // z = [-1]
                                0, 0, 0, 0, 0, 0, 0xf0, 0x3f});                  // a = 1.0
    file.insert(file.end(), data.begin(), data.end());
    // No checksums: it loads only as an explicit import (Checksums::if_present), never as a checkpoint.
    CHECK_THROWS_WITH_AS(parse_safetensors(file), doctest::Contains("tensor 'z' has no checksum"), IOError);
    const SafetensorsFile f = parse_safetensors(file, "<memory>", Checksums::if_present);
    CHECK(f.metadata.empty());
    CHECK(f.tensors.at("z").to_vector<std::int64_t>() == std::vector<std::int64_t>{-1});
    CHECK(f.tensors.at("a").dim() == 0);
    CHECK(f.tensors.at("a").item() == 1.0);
  }

  TEST_CASE("crc32: the CRC of zlib, gzip and PNG, in one piece or continued") {
    const auto text = [](std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); };
    CHECK(crc32(text("")) == 0);
    CHECK(crc32(text("123456789")) == 0xCBF43926u);  // the standard check value
    CHECK(crc32(text("The quick brown fox jumps over the lazy dog")) == 0x414FA339u);
    CHECK(crc32(text("56789"), crc32(text("1234"))) == 0xCBF43926u);
    // Every length around the 8-byte steps agrees with the byte-at-a-time definition.
    std::vector<std::byte> data(40);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 37 + 11);
    for (std::size_t n = 0; n <= data.size(); ++n) {
      std::uint32_t one_by_one = 0;
      for (std::size_t i = 0; i < n; ++i) one_by_one = crc32(std::span(data).subspan(i, 1), one_by_one);
      CHECK(crc32(std::span(data).first(n)) == one_by_one);
    }
  }

  TEST_CASE("safetensors: an empty state is a valid file") {
    const SafetensorsFile f = parse_safetensors(serialize_safetensors({}));
    CHECK(f.tensors.empty());
    CHECK(f.metadata.empty());
  }

  TEST_CASE("safetensors: what cannot be written is refused before any file is touched") {
    CHECK_THROWS_WITH_AS(serialize_safetensors({{"__metadata__", zeros({1})}}),
                         "save_safetensors: '__metadata__' is reserved, not a tensor name", ValueError);
    CHECK_THROWS_WITH_AS(serialize_safetensors({{"w", Tensor()}}),
                         "save_safetensors: tensor 'w' is undefined", ValueError);
    CHECK_THROWS_WITH_AS(
        serialize_safetensors({}, {{"sf.crc32.w", "00000000"}}),
        "save_safetensors: metadata key 'sf.crc32.w' is reserved: 'sf.crc32.<name>' holds the "
        "checksum of tensor <name>",
        ValueError);
    CHECK_THROWS_WITH_AS(
        serialize_safetensors({}, {{"k", "\xff"}}),
        "save_safetensors: json: cannot write a string that is not valid UTF-8 (bad byte at offset 0)",
        ValueError);
  }

  TEST_CASE("safetensors: save and load through a file, and a failed save keeps the old checkpoint") {
    const std::string path = temp_path("model.safetensors");
    save_safetensors(path, {{"w", tensor({1, 2, 3})}}, {{"step", "1"}});
    auto [tensors, metadata] = load_safetensors(path);
    test::check_values(tensors.at("w"), {1, 2, 3}, 0);
    CHECK(metadata.at("step") == "1");

    CHECK_THROWS_AS(save_safetensors(path, {{"w", Tensor()}}), ValueError);
    CHECK(load_safetensors(path).metadata.at("step") == "1");
    fs::remove(path);
    CHECK_THROWS_WITH_AS(load_safetensors(path),
                         ("cannot read '" + path + "': No such file or directory").c_str(), IOError);
  }

  TEST_CASE("state dict helpers: expect_tensor names what is missing or different") {
    const std::map<std::string, Tensor> state{{"w", zeros({2, 3})}, {"extra", zeros({1})}};
    CHECK(expect_tensor(state, "w", {2, 3}, kFloat32, "load").shape() == Shape{2, 3});
    CHECK_THROWS_WITH_AS(expect_tensor(state, "b", {3}, kFloat32, "load"),
                         "load: the state has no tensor 'b'", ValueError);
    CHECK_THROWS_WITH_AS(expect_tensor(state, "w", {3, 2}, kFloat32, "load"),
                         "load: tensor 'w' has shape [2, 3], expected [3, 2]", ShapeError);
    CHECK_THROWS_WITH_AS(expect_tensor(state, "w", {2, 3}, kFloat64, "load"),
                         "load: tensor 'w' is float32, expected float64", TypeError);
    CHECK(unexpected_keys(state, {"w"}) == std::vector<std::string>{"extra"});
  }

  TEST_CASE("state dict helpers: a generator's state survives the metadata exactly") {
    Generator gen(UINT64_MAX);
    gen.skip(12345);
    std::map<std::string, std::string> metadata;
    put_generator_state(metadata, "rng", gen.state());
    CHECK(metadata.at("rng.seed") == "18446744073709551615");
    const SafetensorsFile f = parse_safetensors(serialize_safetensors({}, metadata));
    Generator resumed;
    resumed.set_state(get_generator_state(f.metadata, "rng"));
    CHECK(resumed.next_u64() == gen.next_u64());

    CHECK_THROWS_WITH_AS(get_generator_state({}, "rng"),
                         "get_generator_state: the metadata has no 'rng.seed'", IOError);
    CHECK_THROWS_WITH_AS(
        get_generator_state({{"rng.seed", "12x"}, {"rng.counter", "0"}}, "rng"),
        "get_generator_state: metadata 'rng.seed' is \"12x\", not an unsigned 64-bit decimal number",
        IOError);
    CHECK_THROWS_AS(get_generator_state({{"rng.seed", "1"}, {"rng.counter", "-1"}}, "rng"), IOError);
  }
}
