#!/usr/bin/env bash
# The layering rule of src/ (src/CMakeLists.txt, SCKL_LAYERS; doc/ARCHITECTURE.md):
# a file includes headers of its own layer and of earlier layers only, every
# project include names its layer ("boot/switch.h"), and every source file
# sits in a layer's folder. Prints each breach with file and line; exits 1 on any.
# Usage: layers.sh SRC_DIR LAYER...
set -euo pipefail
src=$1; shift
layers=("$@")
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done
bad=0
for f in "$src"/*; do
  case $(basename "$f") in
    CMakeLists.txt) ;;
    *) if [[ -z ${rank[$(basename "$f")]+x} ]]; then
         echo "layers: $f is not in a layer's folder (src/CMakeLists.txt SCKL_LAYERS: ${layers[*]})"; bad=1
       fi ;;
  esac
done
for layer in "${layers[@]}"; do
  [[ -d $src/$layer ]] || { echo "layers: src/$layer is listed in SCKL_LAYERS but missing"; bad=1; continue; }
  while IFS=: read -r file line text; do
    inc=${text#*\"}; inc=${inc%\"*}
    if [[ $inc != */* ]]; then
      echo "layers: $file:$line includes \"$inc\" without its layer (write \"LAYER/$inc\")"; bad=1; continue
    fi
    to=${inc%%/*}
    if [[ -z ${rank[$to]+x} ]]; then
      echo "layers: $file:$line includes \"$inc\" from no known layer"; bad=1
    elif (( rank[$to] > rank[$layer] )); then
      echo "layers: $file:$line: layer $layer includes \"$inc\" of the later layer $to"; bad=1
    fi
  done < <(grep -Hn '^#include "' "$src/$layer"/*.h "$src/$layer"/*.cc 2>/dev/null || true)
done
if [[ $bad == 0 ]]; then echo "layers: ${layers[*]}: every include goes down or sideways"; fi
exit "$bad"
