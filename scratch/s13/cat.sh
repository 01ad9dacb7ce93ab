#!/bin/bash
# usage: scratch/s13/cat.sh CKPT_DIR OUT.png [truncation]
npm run generate -- --checkpoint "$1" --prompt "a cat face" --prompt "a cartoon-style yellow cat face" --prompt "a green tree" --prompt "a blue car" --prompt "a smiling face with sunglasses" --count 4 --seed 1 --truncation "${3:-0.7}" --upscale 2 --out "$2" 2>&1 | tail -1
