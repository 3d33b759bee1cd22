# The native CPU backend. Portable code is built for the baseline of the target (SSE2 on
# x86-64); the AVX2 and AVX-512 GEMMs are separate libraries with their own flags, and
# native/cpu.cc only calls them on a CPU that reports the features at run time.
{
  "target_defaults": {
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags": ["-O3", "-fPIC", "-fno-math-errno"],
    "cflags_cc": ["-O3", "-fPIC", "-fno-math-errno"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
    "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-math-errno"]},
  },
  "targets": [
    {
      "target_name": "tegaki",
      "sources": [
        "native/binding.cc",
        "native/cpu.cc",
        "native/threads.cc",
        "native/simd_portable.cc",
        "native/conv.cc",
        "native/maxpool.cc",
        "native/avgpool.cc",
        "native/depthwise.cc",
        "native/elementwise.cc",
        "native/prelu.cc",
        "native/losses.cc",
        "native/optimizers.cc",
        "native/normalization.cc",
        "native/augment.cc",
      ],
      "cflags_cc": ["-ffp-contract=fast"],
      "conditions": [
        ["target_arch=='x64' and OS!='win'", {"dependencies": ["tegaki_avx2", "tegaki_avx512"]}],
      ],
    },
  ],
  "conditions": [
    ["target_arch=='x64' and OS!='win'", {
      "targets": [
        {
          "target_name": "tegaki_avx2",
          "type": "static_library",
          "sources": ["native/simd_avx2.cc"],
          "cflags_cc": ["-mavx2", "-mfma", "-ffp-contract=fast"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-O3", "-mavx2", "-mfma"]},
        },
        {
          "target_name": "tegaki_avx512",
          "type": "static_library",
          "sources": ["native/simd_avx512.cc"],
          "cflags_cc": ["-mavx512f", "-mfma", "-ffp-contract=fast"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-O3", "-mavx512f", "-mfma"]},
        },
      ],
    }],
  ],
}
