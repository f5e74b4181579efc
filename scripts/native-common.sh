#!/usr/bin/env bash
# Sourced by scripts/build.sh, native-aot/build.sh and scripts/package.sh: the product version,
# the x86-64 CPU variants (one NativeAOT build per instruction-set level;
# native-aot/variants/cpu_variant.h says why and how one is chosen at start-up) and the
# development files of an install tree.
#   EDGEBERT_CPU_VARIANTS="x86-64-v3" builds fewer levels (default: all three); the launcher and
#   the shim then pick the best installed level the CPU supports.

# The product version from Directory.Build.props.
edgebert_version() {
  local version
  version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)"
  echo "${version:-0.0.0}"
}

# The x86-64 levels to build, lowest first.
edgebert_x86_levels() {
  local levels="${EDGEBERT_CPU_VARIANTS:-x86-64-v2 x86-64-v3 x86-64-v4}" level
  for level in $levels; do
    case "$level" in
      x86-64-v2|x86-64-v3|x86-64-v4) echo "$level" ;;
      *) echo "EDGEBERT_CPU_VARIANTS: '$level' is not one of x86-64-v2 x86-64-v3 x86-64-v4" >&2; return 2 ;;
    esac
  done
}

# publish_x86_variant PROJECT LEVEL OUTDIR [dotnet publish options...]
# One native intermediate folder per project and level: ILC would otherwise take another level's
# up-to-date objects and link them unchanged (as scripts/publish.sh found).
publish_x86_variant() {
  local project="$1" level="$2" out="$3"
  shift 3
  dotnet publish "$project" -r linux-x64 -c Release -nologo -v q -p:IlcInstructionSet="$level" \
    -p:NativeIntermediateOutputPath="$PWD/artifacts/obj/$(basename "$project")-$level/" -o "$out" "$@"
}

# install_dev_files PREFIX VERSION: include/edgebert.h, lib/pkgconfig/edgebert.pc and
# lib/cmake/EdgeBert/EdgeBertConfig{,Version}.cmake (all relocatable).
install_dev_files() {
  local prefix="$1" version="$2"
  mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/EdgeBert"
  install -m 0644 native-aot/include/edgebert.h "$prefix/include/edgebert.h"
  sed "s/@VERSION@/$version/" native-aot/edgebert.pc.in > "$prefix/lib/pkgconfig/edgebert.pc"
  install -m 0644 native-aot/cmake/EdgeBertConfig.cmake "$prefix/lib/cmake/EdgeBert/EdgeBertConfig.cmake"
  sed "s/@VERSION@/$version/" native-aot/cmake/EdgeBertConfigVersion.cmake.in \
    > "$prefix/lib/cmake/EdgeBert/EdgeBertConfigVersion.cmake"
}
