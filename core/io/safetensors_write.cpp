// safetensors_write.cpp: the writer, deterministic and aligned (format in safetensors.hpp).
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "core/autograd.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/json.hpp"
#include "core/io/safetensors.hpp"

namespace sf {

// The data section is the tensors' memory, byte for byte; that is only right on little-endian CPUs.
static_assert(std::endian::native == std::endian::little, "safetensors stores little-endian data");

const char* safetensors_dtype_name(DType t) {
  switch (t) {
    case DType::Float32:
      return "F32";
    case DType::Float64:
      return "F64";
    case DType::Int64:
      return "I64";
    case DType::Bool:
      return "BOOL";
  }
  return "?";
}

std::optional<DType> dtype_from_safetensors_name(std::string_view s) {
  for (DType t : {kFloat32, kFloat64, kInt64, kBool})
    if (s == safetensors_dtype_name(t)) return t;
  return std::nullopt;
}

namespace {

// CRC-32 "slicing by 8": table[0] is the classic byte-at-a-time table; table[k][b] is the CRC of byte
// b followed by k zero bytes, so eight bytes are folded in with eight lookups that do not depend on
// each other (one byte at a time, each lookup waits for the previous one).
using CrcTables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr CrcTables make_crc_tables() {
  CrcTables t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t c = b;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    t[0][b] = c;
  }
  for (std::size_t k = 1; k < 8; ++k)
    for (std::size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  return t;
}
constexpr CrcTables kCrcTables = make_crc_tables();

/// The first byte of a tensor's elements, whatever its dtype.
std::byte* first_byte(const Tensor& t) {
  return static_cast<std::byte*>(t.storage()->data()) +
         t.offset() * static_cast<std::int64_t>(itemsize(t.dtype()));
}

}  // namespace

std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc) {
  const auto& t = kCrcTables;
  const auto byte = [&](std::size_t i) { return std::to_integer<std::uint32_t>(bytes[i]); };
  crc = ~crc;
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    const std::uint32_t lo = crc ^ (byte(i) | byte(i + 1) << 8 | byte(i + 2) << 16 | byte(i + 3) << 24);
    crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
          t[3][byte(i + 4)] ^ t[2][byte(i + 5)] ^ t[1][byte(i + 6)] ^ t[0][byte(i + 7)];
  }
  for (; i < bytes.size(); ++i) crc = (crc >> 8) ^ t[0][(crc ^ byte(i)) & 0xff];
  return ~crc;
}

std::string checksum_text(std::uint32_t crc) {
  std::string s(8, '0');
  for (int i = 7; i >= 0; --i, crc >>= 4) s[static_cast<std::size_t>(i)] = "0123456789abcdef"[crc & 15];
  return s;
}

std::vector<std::byte> serialize_safetensors(const std::map<std::string, Tensor>& tensors,
                                             const std::map<std::string, std::string>& metadata) {
  // Data order: larger elements first, then by name, so each tensor is aligned to its element size.
  std::vector<std::pair<std::string, Tensor>> order;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__")
      fail<ValueError>("save_safetensors: '__metadata__' is reserved, not a tensor name");
    if (!t.defined()) fail<ValueError>("save_safetensors: tensor '", name, "' is undefined");
    order.emplace_back(name, t.detach().contiguous());
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return itemsize(a.second.dtype()) > itemsize(b.second.dtype());
  });

  // The caller's metadata and the tensors' checksums, sorted by key like the rest of the header.
  std::map<std::string, std::string> all_metadata;
  for (const auto& [key, value] : metadata) {
    if (key.starts_with(kChecksumPrefix))
      fail<ValueError>("save_safetensors: metadata key '", key, "' is reserved: '", kChecksumPrefix,
                       "<name>' holds the checksum of tensor <name>");
    all_metadata.emplace(key, value);
  }
  for (const auto& [name, t] : order) {
    const auto nbytes = static_cast<std::size_t>(t.numel()) * itemsize(t.dtype());
    all_metadata.emplace(std::string(kChecksumPrefix) + name, checksum_text(crc32({first_byte(t), nbytes})));
  }
  json::Value header = json::Value::object();
  if (!all_metadata.empty()) {
    json::Value meta = json::Value::object();
    for (const auto& [key, value] : all_metadata) meta.add(key, json::Value::from_string(value));
    header.add("__metadata__", std::move(meta));
  }
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> offsets;  // sorted by name for the header
  std::int64_t cursor = 0;
  for (const auto& [name, t] : order) {
    const auto nbytes = static_cast<std::int64_t>(t.numel() * static_cast<std::int64_t>(itemsize(t.dtype())));
    offsets[name] = {cursor, cursor + nbytes};
    cursor += nbytes;
  }
  for (const auto& [name, range] : offsets) {
    const Tensor& t = tensors.at(name);
    json::Value shape = json::Value::array();
    for (std::int64_t d : t.shape()) shape.items.push_back(json::Value::from_int(d));
    json::Value entry = json::Value::object();
    entry.add("dtype", json::Value::from_string(safetensors_dtype_name(t.dtype())));
    entry.add("shape", std::move(shape));
    entry.add("data_offsets",
              json::Value::array({json::Value::from_int(range.first), json::Value::from_int(range.second)}));
    header.add(name, std::move(entry));
  }
  std::string text;
  try {
    text = json::write(header);
  } catch (const ValueError& e) {
    fail<ValueError>("save_safetensors: ", e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');  // the data section starts 8-byte aligned

  std::vector<std::byte> out(8 + text.size() + static_cast<std::size_t>(cursor));
  const std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<std::byte>(n >> (8 * i));
  std::memcpy(out.data() + 8, text.data(), text.size());
  std::byte* data = out.data() + 8 + text.size();
  for (const auto& [name, t] : order) {
    const auto [begin, end] = offsets[name];
    if (end > begin) std::memcpy(data + begin, first_byte(t), static_cast<std::size_t>(end - begin));
  }
  return out;
}

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  io::write_file_atomically(path, serialize_safetensors(tensors, metadata));
}

}  // namespace sf
