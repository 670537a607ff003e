;; softplus and the logistic sigmoid of a float32 array, four lanes at a time (WebAssembly SIMD):
;;
;;   softplus(z) = max(z, 0) + log1p(t),   σ(z) = 1 / (1 + t) (z ≥ 0) or t / (1 + t) (z < 0),   t = e^−|z| ∈ (0, 1]
;;
;;   e^−a     a = min(|z|, 87) (e^−87 ≈ 1.6e-38 is still normal), k = round(−a·log₂e), r = −a − k·ln 2 (ln 2 split
;;            in two for exactness), e^r by Cephes' expf polynomial (|r| ≤ ln2/2), 2^k from the exponent bits
;;   log1p(t) = 2 atanh(s) = 2s (1 + s²/3 + s⁴/5 + … + s¹²/13),  s = t / (2 + t) ∈ (0, 1/3]: the next term
;;            is < 1e-8 and no step cancels, so small t keeps its relative accuracy
;;
;; NaN propagates (min, max and the arithmetic keep it); z = +∞ gives +∞, z = −∞ gives e^−87 ≈ 0 for both.
;; The memory is imported: tfjs-wasm's heap, so the kernel reads and writes tensors in place
;; (src/tensor/softplus-kernel.ts), or a memory of its own for plain arrays.
;; Rebuild softplus.wasm.ts after an edit: `npx tsx scripts/build-wasm.ts`.
(module
  (import "env" "memory" (memory 1))

  ;; dst[i] = softplus(src[i]) and, when sig ≠ 0, sig[i] = σ(src[i]), for i < n; n a multiple of 4, pointers
  ;; in bytes. dst may be src (each vector is read before it is written).
  (func (export "softplus") (param $src i32) (param $dst i32) (param $sig i32) (param $n i32)
    (local $o i32) (local $end i32)
    (local $z v128) (local $a v128) (local $k v128) (local $r v128) (local $p v128)
    (local $t v128) (local $s v128) (local $w v128) (local $l v128) (local $q v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $z (v128.load (i32.add (local.get $src) (local.get $o))))
        (local.set $a (f32x4.min (f32x4.abs (local.get $z)) (v128.const f32x4 87 87 87 87)))
        ;; t = e^−a
        (local.set $k (f32x4.nearest (f32x4.mul (local.get $a) (v128.const f32x4 -1.44269504089 -1.44269504089 -1.44269504089 -1.44269504089))))
        (local.set $r (f32x4.sub (f32x4.neg (local.get $a)) (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        ;; e^r = p r² + r + 1, times 2^k = the float with exponent field k + 127
        (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r)) (v128.const f32x4 1 1 1 1)))
        (local.set $t (f32x4.mul (local.get $p)
          (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
        ;; log1p(t) = 2 s (1 + w/3 + w²/5 + … + w⁶/13), s = t / (2 + t), w = s²
        (local.set $s (f32x4.div (local.get $t) (f32x4.add (local.get $t) (v128.const f32x4 2 2 2 2))))
        (local.set $w (f32x4.mul (local.get $s) (local.get $s)))
        (local.set $l (f32x4.add (f32x4.mul (v128.const f32x4 0.0769230769 0.0769230769 0.0769230769 0.0769230769) (local.get $w)) (v128.const f32x4 0.0909090909 0.0909090909 0.0909090909 0.0909090909)))
        (local.set $l (f32x4.add (f32x4.mul (local.get $l) (local.get $w)) (v128.const f32x4 0.1111111111 0.1111111111 0.1111111111 0.1111111111)))
        (local.set $l (f32x4.add (f32x4.mul (local.get $l) (local.get $w)) (v128.const f32x4 0.1428571429 0.1428571429 0.1428571429 0.1428571429)))
        (local.set $l (f32x4.add (f32x4.mul (local.get $l) (local.get $w)) (v128.const f32x4 0.2 0.2 0.2 0.2)))
        (local.set $l (f32x4.add (f32x4.mul (local.get $l) (local.get $w)) (v128.const f32x4 0.3333333333 0.3333333333 0.3333333333 0.3333333333)))
        (local.set $l (f32x4.add (f32x4.mul (local.get $l) (local.get $w)) (v128.const f32x4 1 1 1 1)))
        (local.set $l (f32x4.mul (f32x4.add (local.get $s) (local.get $s)) (local.get $l)))
        (v128.store (i32.add (local.get $dst) (local.get $o))
          (f32x4.add (f32x4.max (local.get $z) (v128.const f32x4 0 0 0 0)) (local.get $l)))
        (if (local.get $sig)
          (then
            (local.set $q (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (local.get $t) (v128.const f32x4 1 1 1 1))))
            (v128.store (i32.add (local.get $sig) (local.get $o))
              (v128.bitselect (local.get $q) (f32x4.mul (local.get $t) (local.get $q)) (f32x4.ge (local.get $z) (v128.const f32x4 0 0 0 0))))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next)))))
