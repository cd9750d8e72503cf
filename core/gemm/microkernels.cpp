// microkernels.cpp: assembles the Microkernels sets and picks, once, the best one this CPU can run.
//
// The AVX2 and AVX-512 code lives in files compiled with those instruction sets; this file is
// compiled for the baseline x86-64 (or any other architecture) and only ever calls into them
// after __builtin_cpu_supports has said yes. So one binary runs on any x86-64 CPU.
#include "core/gemm/microkernels.hpp"

#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace sf::gemm {

const Microkernels& scalar_microkernels() {
  static const Microkernels set{"scalar", kScalarBlocks, scalar::microkernel, scalar::pack_a, scalar::pack_b,
                                nullptr,  nullptr};
  return set;
}

#if defined(__x86_64__)
const Microkernels& avx2_microkernels() {
  static const Microkernels set{"avx2",  kAvx2Blocks, avx2::microkernel, avx2::pack_a, avx2::pack_b,
                                nullptr, nullptr};
  return set;
}
const Microkernels& avx512_microkernels() {
  static const Microkernels set{"avx512",           kAvx512Blocks,  avx512::microkernel,
                                avx512::pack_a,     avx512::pack_b, avx512::microkernel_direct,
                                avx512::few_rows_nt};
  return set;
}
#endif

bool cpu_supports(const char* name) {
  if (std::strcmp(name, "scalar") == 0) return true;
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (std::strcmp(name, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (std::strcmp(name, "avx512") == 0) return __builtin_cpu_supports("avx512f");
#endif
  return false;
}

namespace {
const Microkernels* microkernels_named(const char* name) {
#if defined(__x86_64__)
  if (std::strcmp(name, "avx512") == 0) return &avx512_microkernels();
  if (std::strcmp(name, "avx2") == 0) return &avx2_microkernels();
#endif
  if (std::strcmp(name, "scalar") == 0) return &scalar_microkernels();
  return nullptr;
}
}  // namespace

const Microkernels& best_microkernels() {
  static const Microkernels* const chosen = [] {
    const char* wanted = std::getenv("SF_GEMM_KERNEL");
    if (wanted != nullptr && microkernels_named(wanted) != nullptr && cpu_supports(wanted))
      return microkernels_named(wanted);
    for (const char* name : {"avx512", "avx2"})
      if (cpu_supports(name)) return microkernels_named(name);
    return &scalar_microkernels();
  }();
  return *chosen;
}

}  // namespace sf::gemm
