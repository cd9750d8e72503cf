// safetensors_read.cpp: the validating reader. Every rule of safetensors.hpp is one check here, with
// its own message; nothing is allocated for a tensor before its bytes are known to be in the file.
#include <algorithm>
#include <cstring>
#include <optional>
#include <set>
#include <tuple>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/json.hpp"
#include "core/io/safetensors.hpp"

namespace sf {

namespace {

/// a·b, or nullopt when it does not fit in an int64 (both are >= 0).
std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

}  // namespace

namespace {

/// One tensor entry of the header, checked on its own (its place in the data section comes later).
struct Entry {
  std::string name;
  DType dtype = kFloat32;
  Shape shape;
  std::int64_t begin = 0, end = 0;
};

class Reader {
 public:
  Reader(std::span<const std::byte> bytes, std::string_view source, Checksums checksums)
      : bytes_(bytes), source_(source), checksums_(checksums) {}

  SafetensorsFile read() {
    if (bytes_.size() < 8)
      error("the file is ", bytes_.size(), " bytes long, too short for the 8-byte header length");
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
      n = (n << 8) | std::to_integer<std::uint64_t>(bytes_[static_cast<std::size_t>(i)]);
    if (n > kMaxSafetensorsHeader)
      error("header length ", n, " exceeds the limit of ", kMaxSafetensorsHeader, " bytes");
    if (n > bytes_.size() - 8)
      error("header length ", n, " is larger than the ", bytes_.size() - 8, " bytes after it");
    const std::string_view text(reinterpret_cast<const char*>(bytes_.data() + 8), n);
    data_ = bytes_.subspan(8 + n);

    json::Value header;
    try {
      // A valid header spends at least 4 bytes per value (a tensor of 8 dimensions: "1," per size,
      // about 50 bytes for the rest); the cap keeps a hostile "[0,0,0,...]" from costing 50× its size.
      header = json::parse(text, {.max_depth = 3, .max_values = n / 4 + 8});
    } catch (const ValueError& e) {
      error("invalid header: ", e.what());
    }
    if (header.kind != json::Value::Kind::Object)
      error("the header is a JSON ", json::kind_name(header.kind), ", not an object");

    SafetensorsFile file;
    std::vector<Entry> entries;
    for (const auto& [key, value] : header.members) {
      if (key == "__metadata__")
        file.metadata = metadata(value);
      else
        entries.push_back(entry(key, value));
    }
    check_coverage(entries);
    check_checksums(entries, file.metadata);
    for (const Entry& e : entries) file.tensors.emplace(e.name, tensor_of(e));
    return file;
  }

 private:
  template <class... Args>
  [[noreturn]] void error(const Args&... what) const {
    fail<IOError>("safetensors: '", source_, "': ", what...);
  }

  std::map<std::string, std::string> metadata(const json::Value& v) const {
    if (v.kind != json::Value::Kind::Object)
      error("__metadata__ is a JSON ", json::kind_name(v.kind), ", not an object");
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : v.members) {
      if (value.kind != json::Value::Kind::String)
        error("metadata value for key '", key, "' is a JSON ", json::kind_name(value.kind), ", not a string");
      out.emplace(key, value.string);
    }
    return out;
  }

  Entry entry(const std::string& name, const json::Value& v) const {
    if (v.kind != json::Value::Kind::Object)
      error("tensor '", name, "' is a JSON ", json::kind_name(v.kind), ", not an object");
    for (const auto& member : v.members)
      if (member.first != "dtype" && member.first != "shape" && member.first != "data_offsets")
        error("tensor '", name, "' has an unknown field '", member.first, "'");
    const auto field = [&](const char* key) -> const json::Value& {
      const json::Value* f = v.find(key);
      if (f == nullptr) error("tensor '", name, "' has no '", key, "'");
      return *f;
    };
    Entry e;
    e.name = name;

    const json::Value& dtype = field("dtype");
    if (dtype.kind != json::Value::Kind::String)
      error("tensor '", name, "': dtype is a JSON ", json::kind_name(dtype.kind), ", not a string");
    const std::optional<DType> t = dtype_from_safetensors_name(dtype.string);
    if (!t) error("tensor '", name, "' has dtype '", dtype.string, "'; supported are F32, F64, I64 and BOOL");
    e.dtype = *t;

    const json::Value& shape = field("shape");
    if (shape.kind != json::Value::Kind::Array)
      error("tensor '", name, "': shape is a JSON ", json::kind_name(shape.kind), ", not an array");
    if (shape.items.size() > static_cast<std::size_t>(Dims::kMaxDims))
      error("tensor '", name, "' has ", shape.items.size(), " dimensions; at most ", Dims::kMaxDims,
            " are supported");
    // The product of the sizes, skipping zeros, must fit: strides are such products, even when a
    // zero size makes the tensor empty.
    std::optional<std::int64_t> extent = 1;
    bool empty_shape = false;
    for (std::size_t i = 0; i < shape.items.size(); ++i) {
      const json::Value& d = shape.items[i];
      if (d.kind != json::Value::Kind::Integer || d.integer < 0)
        error("tensor '", name, "': shape entry ", i, " is not a non-negative integer");
      e.shape.push_back(d.integer);
      empty_shape = empty_shape || d.integer == 0;
      if (extent) extent = checked_mul(*extent, std::max<std::int64_t>(d.integer, 1));
    }
    if (!extent)
      error("tensor '", name, "': the sizes of shape ", e.shape, " multiply to more than 64 bits hold");
    const std::optional<std::int64_t> nbytes =
        checked_mul(empty_shape ? 0 : *extent, static_cast<std::int64_t>(itemsize(e.dtype)));
    if (!nbytes) error("tensor '", name, "' of shape ", e.shape, " has more bytes than 64 bits hold");

    const json::Value& offsets = field("data_offsets");
    if (offsets.kind != json::Value::Kind::Array || offsets.items.size() != 2 ||
        offsets.items[0].kind != json::Value::Kind::Integer ||
        offsets.items[1].kind != json::Value::Kind::Integer || offsets.items[0].integer < 0 ||
        offsets.items[1].integer < 0)
      error("tensor '", name, "': data_offsets must be two non-negative integers [begin, end]");
    e.begin = offsets.items[0].integer;
    e.end = offsets.items[1].integer;
    if (e.end < e.begin)
      error("tensor '", name, "': data_offsets [", e.begin, ", ", e.end, "] end before they begin");
    if (static_cast<std::uint64_t>(e.end) > data_.size())
      error("tensor '", name, "': data_offsets [", e.begin, ", ", e.end, "] go beyond the data section's ",
            data_.size(), " bytes");
    if (e.end - e.begin != *nbytes)
      error("tensor '", name, "': data_offsets [", e.begin, ", ", e.end, "] hold ", e.end - e.begin,
            " bytes, but ", e.shape, " ", safetensors_dtype_name(e.dtype), " needs ", *nbytes);
    return e;
  }

  // The tensors, in the order of their offsets, must tile the data section: [0, a) [a, b) ... [y, size).
  void check_coverage(const std::vector<Entry>& entries) const {
    std::vector<const Entry*> sorted;
    for (const Entry& e : entries) sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) {
      return std::tie(a->begin, a->end) < std::tie(b->begin, b->end);
    });
    std::int64_t cursor = 0;
    const Entry* previous = nullptr;
    for (const Entry* e : sorted) {
      if (e->begin < cursor)
        error("tensors '", previous->name, "' [", previous->begin, ", ", previous->end, ") and '", e->name,
              "' [", e->begin, ", ", e->end, ") overlap");
      if (e->begin > cursor)
        error("bytes [", cursor, ", ", e->begin, ") of the data section belong to no tensor");
      cursor = e->end;
      if (e->end > e->begin || previous == nullptr) previous = e;
    }
    if (static_cast<std::uint64_t>(cursor) != data_.size())
      error("bytes [", cursor, ", ", data_.size(), ") of the data section belong to no tensor");
  }

  // Each "sf.crc32.<name>" names a tensor and matches its bytes; with Checksums::required every
  // tensor has one. The checksum keys are then taken out of the metadata the caller sees.
  void check_checksums(const std::vector<Entry>& entries,
                       std::map<std::string, std::string>& metadata) const {
    std::map<std::string, std::uint32_t> recorded;  // tensor name → CRC-32
    for (auto it = metadata.lower_bound(std::string(kChecksumPrefix));
         it != metadata.end() && it->first.starts_with(kChecksumPrefix);) {
      const std::string name = it->first.substr(kChecksumPrefix.size());
      recorded.emplace(name, checksum_value(it->first, it->second));
      it = metadata.erase(it);
    }
    std::set<std::string_view> names;
    for (const Entry& e : entries) names.insert(e.name);
    for (const auto& [name, crc] : recorded)
      if (!names.contains(name))
        error("metadata '", kChecksumPrefix, name, "' is the checksum of a tensor '", name,
              "' that the file does not have");
    for (const Entry& e : entries) {
      const auto it = recorded.find(e.name);
      if (it == recorded.end()) {
        if (checksums_ == Checksums::if_present) continue;
        error("tensor '", e.name, "' has no checksum (no '", kChecksumPrefix, e.name,
              "' in __metadata__): scratchformer writes one for every tensor, so this file was written by "
              "another tool or its checksums were removed; weights from another tool load only through an "
              "explicit import (Checksums::if_present)");
      }
      const auto nbytes = static_cast<std::size_t>(e.end - e.begin);
      const std::uint32_t actual = crc32(data_.subspan(static_cast<std::size_t>(e.begin), nbytes));
      if (actual != it->second)
        error("tensor '", e.name, "' is corrupted: its ", nbytes, " bytes have the CRC-32 ",
              checksum_text(actual), ", but the file records ", checksum_text(it->second), " (",
              kChecksumPrefix, e.name, ")");
    }
  }

  /// A checksum's value: exactly 8 lowercase hexadecimal digits, as the writer makes them.
  std::uint32_t checksum_value(const std::string& key, const std::string& value) const {
    std::uint32_t v = 0;
    bool ok = value.size() == 8;
    for (char c : value) {
      const bool digit = c >= '0' && c <= '9', letter = c >= 'a' && c <= 'f';
      ok = ok && (digit || letter);
      v = v << 4 | static_cast<std::uint32_t>(digit ? c - '0' : letter ? c - 'a' + 10 : 0);
    }
    if (!ok) error("metadata '", key, "' is \"", value, "\", not a CRC-32 of 8 lowercase hexadecimal digits");
    return v;
  }

  Tensor tensor_of(const Entry& e) const {
    const std::byte* src = data_.data() + e.begin;
    const auto nbytes = static_cast<std::size_t>(e.end - e.begin);
    if (e.dtype == kBool)
      for (std::size_t i = 0; i < nbytes; ++i)
        if (std::to_integer<unsigned>(src[i]) > 1)
          error("tensor '", e.name, "' (BOOL) holds the byte ", std::to_integer<unsigned>(src[i]),
                " at element ", i, "; a bool must be 0 or 1");
    Tensor t = empty(e.shape, {.dtype = e.dtype});
    if (nbytes > 0) std::memcpy(t.storage()->data(), src, nbytes);  // a new tensor starts its storage
    return t;
  }

  std::span<const std::byte> bytes_;
  std::span<const std::byte> data_;
  std::string_view source_;
  Checksums checksums_;
};

}  // namespace

SafetensorsFile parse_safetensors(std::span<const std::byte> bytes, std::string_view source,
                                  Checksums checksums) {
  return Reader(bytes, source, checksums).read();
}

SafetensorsFile load_safetensors(const std::string& path, Checksums checksums) {
  return parse_safetensors(io::read_file(path), path, checksums);
}

}  // namespace sf
