// safetensors.hpp: checkpoints in the safetensors format, which PyTorch and the Hugging Face tools
// read and write. A file is
//
//   [8 bytes]  N, the header length, unsigned little-endian
//   [N bytes]  a JSON object (UTF-8), padded with spaces so that the data starts 8-byte aligned:
//                {"__metadata__": {"step": "1200"},                         optional, string → string
//                 "encoder.w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}
//   [the rest] the data section: every tensor's elements, row-major and little-endian, at
//              [begin, end) relative to the start of this section
//
// Every tensor's bytes carry a checksum in the metadata: "sf.crc32.<tensor name>" holds the CRC-32 of
// its data bytes (the CRC of zlib, gzip and PNG: Python's zlib.crc32 gives the same number) as 8
// lowercase hexadecimal digits, for example "sf.crc32.encoder.w": "c3872656". The writer always adds
// them; the reader verifies them and names the tensor whose bytes changed. A CRC-32 catches every
// change of up to 32 consecutive bits (every flipped bit, every bad byte) and misses other
// corruption with a chance of one in 4 billion. The keys are the format's own: parse_safetensors
// returns the metadata without them, and a caller's metadata may not use the prefix.
//
// Writing is deterministic: the same tensors and metadata always give the same bytes. Header keys
// are sorted by name; in the data section the 8-byte types (F64, I64) come first, then F32, then
// BOOL, each group sorted by name, so every tensor starts at a multiple of its element size (as the
// reference writer arranges it, for readers that map the file and use the data in place).
//
// Reading trusts nothing. Each rule below has its own sf::IOError naming the file:
//   - the file has at least 8 bytes, N is at most 100,000,000 and fits in the file;
//   - the header is valid JSON (json.hpp: no duplicate keys), an object, nested at most 3 deep, with
//     at most one value per 4 bytes (a valid header is never denser): so parsing it costs a bounded
//     multiple of its size (a few dozen bytes per header byte), however hostile the text;
//   - "__metadata__", if present, maps strings to strings;
//   - every other member is a tensor with exactly "dtype" (F32, F64, I64 or BOOL), "shape" (at most
//     8 non-negative integers whose product fits in 64 bits) and "data_offsets" (two integers,
//     begin <= end <= the data section's size, end - begin = elements × element size);
//   - the tensors cover the data section exactly: no overlaps, no gaps, nothing after the last one
//     (the reference format requires this, and a gap would be bytes nobody can account for);
//   - every "sf.crc32.<name>" names a tensor of the file and is 8 lowercase hexadecimal digits, and
//     the tensor's bytes have that CRC-32; with Checksums::required (the default) every tensor has one;
//   - BOOL bytes are 0 or 1.
// Nothing is allocated for a tensor before its byte range is known to lie inside the file, so a
// hostile file cannot ask for more memory than its own size.
//
// What it is not: a lazy or memory-mapped loader (the whole file is read), nor a model loader:
// matching names to a model's parameters is Module::load_state_dict's job (see state_dict.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"

namespace sf {

/// What a safetensors file holds.
struct SafetensorsFile {
  std::map<std::string, Tensor> tensors{};
  std::map<std::string, std::string> metadata{};
};

/// The format's name of a dtype: "F32", "F64", "I64", "BOOL".
const char* safetensors_dtype_name(DType t);
/// The dtype of a format name, or nullopt for names we cannot hold ("F16", "BF16", "U8", ...).
std::optional<DType> dtype_from_safetensors_name(std::string_view name);

/// The header length above which a file is refused (the reference implementation's limit).
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

/// The metadata key prefix of the tensors' checksums: "sf.crc32.<tensor name>".
inline constexpr std::string_view kChecksumPrefix = "sf.crc32.";

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320; the CRC of zlib.crc32) of `bytes`, continued
/// from `crc` (the CRC of the bytes before them; 0 to start). crc32("123456789") == 0xCBF43926.
std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc = 0);
/// A CRC-32 as the metadata holds it: 8 lowercase hexadecimal digits (0xC3872656 is "c3872656").
std::string checksum_text(std::uint32_t crc);

/// What the reader demands of the checksums.
enum class Checksums {
  /// Every tensor has one and it matches: the default, for files this library wrote (checkpoints).
  /// A file without them (one PyTorch wrote, or one whose checksums were deleted) is refused.
  required,
  /// An explicit import of weights another tool wrote: the checksums present are verified, tensors
  /// without one are taken as they are. Say it only where the user asked to import a foreign file.
  if_present,
};

/// The bytes of a safetensors file holding `tensors` (any layout; written row-major), `metadata`, and
/// each tensor's checksum. Throws ValueError for an undefined tensor, the name "__metadata__", a
/// metadata key starting with "sf.crc32.", or a name or metadata string that is not valid UTF-8.
/// Whatever parse_safetensors returns can be written again.
std::vector<std::byte> serialize_safetensors(const std::map<std::string, Tensor>& tensors,
                                             const std::map<std::string, std::string>& metadata = {});

/// Reads a safetensors file held in memory, checking every rule above. `source` names it in errors.
/// Tensors are new contiguous tensors that own their memory (requires_grad false); the metadata
/// comes without the checksum keys.
/// Example: SafetensorsFile f = parse_safetensors(bytes, "checkpoint.safetensors");
SafetensorsFile parse_safetensors(std::span<const std::byte> bytes, std::string_view source = "<memory>",
                                  Checksums checksums = Checksums::required);

/// Writes a checkpoint atomically: a crash or a full disk leaves the previous file intact.
/// Example: save_safetensors("model.safetensors", {{"w", w}, {"b", b}}, {{"step", "1200"}});
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// Reads and validates a checkpoint. Throws IOError naming `path` and the rule that was broken.
/// Example: auto [tensors, metadata] = load_safetensors("model.safetensors");
/// Importing weights PyTorch saved: load_safetensors("pytorch.safetensors", Checksums::if_present).
SafetensorsFile load_safetensors(const std::string& path, Checksums checksums = Checksums::required);

}  // namespace sf
