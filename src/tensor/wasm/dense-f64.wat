;; Dense Float64 kernels of the QP's reduced KKT factorization (src/solvers/qp/kkt.ts), two lanes at a time
;; (WebAssembly SIMD f64x2). Matrices are row-major; pointers are byte offsets into the imported memory.
;;
;;   dot(x, y, n)                 Σ x_k y_k with four partial sums (k mod 4) added as (s0 + s1) + (s2 + s3)
;;   fold(H, G, rows, c, d, n)    H += Σ_{k ∈ rows} d_k g_k g_kᵀ on the lower triangle, rows taken two at a time
;;   cholesky(a, n)               a = L Lᵀ in place (Cholesky–Banachiewicz); 0, or i + 1 at a bad pivot i
;;   solve_rows(L, n, V, c)       L y = v_r in place for c rows of V, each from its first nonzero
;;   gram(V, c, n, M, first)      M_rc = v_r · v_c (c ≤ r) from the later first nonzero of the two rows
;;
;; Each does the arithmetic of its JavaScript twin (src/linalg/triangular.ts `dot`, `lowerSolve`,
;; src/linalg/cholesky.ts `choleskyInPlace`, the fold and Gram loops of kkt.ts) in the same order, with no
;; fused multiply-add, so the two give the same bits; the SIMD lanes only run independent sums side by side.
;; Rebuild dense-f64.wasm.ts after an edit: `npx tsx scripts/build-wasm.ts`.
(module
  (import "env" "memory" (memory 1))

  (func $dot (export "dot") (param $x i32) (param $y i32) (param $n i32) (result f64)
    (local $a0 v128) (local $a1 v128) (local $end i32) (local $tail i32) (local $s0 f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (local.set $tail (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $a1 (f64x2.add (local.get $a1)
          (f64x2.mul (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $next)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $a0)))
    (block $done2
      (loop $rest
        (br_if $done2 (i32.ge_u (local.get $x) (local.get $tail)))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $rest)))
    (f64.add
      (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $a0)))
      (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1)))))

  ;; H_ij += c1 g1_j + c2 g2_j for j ≤ i, with c = d_k g_k,i; rows whose c1 and c2 are both 0 are skipped (a
  ;; box bound has one nonzero, so it touches one row of H). `rows` holds c i32 row indices of G `[·, n]`,
  ;; `d` the f64 weights indexed by row.
  (func (export "fold") (param $H i32) (param $G i32) (param $rows i32) (param $c i32) (param $d i32) (param $n i32)
    (local $p i32) (local $g1 i32) (local $g2 i32) (local $d1 f64) (local $d2 f64) (local $c1 f64) (local $c2 f64)
    (local $i i32) (local $h i32) (local $j i32) (local $stride i32) (local $v1 v128) (local $v2 v128) (local $k i32)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    (block $pairs_done
      (loop $pair
        (br_if $pairs_done (i32.ge_u (i32.add (local.get $p) (i32.const 1)) (local.get $c)))
        (local.set $k (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $g1 (i32.add (local.get $G) (i32.mul (local.get $k) (local.get $stride))))
        (local.set $d1 (f64.load (i32.add (local.get $d) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $k (i32.load (i32.add (local.get $rows) (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 2)))))
        (local.set $g2 (i32.add (local.get $G) (i32.mul (local.get $k) (local.get $stride))))
        (local.set $d2 (f64.load (i32.add (local.get $d) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $c1 (f64.mul (local.get $d1) (f64.load (i32.add (local.get $g1) (i32.shl (local.get $i) (i32.const 3))))))
            (local.set $c2 (f64.mul (local.get $d2) (f64.load (i32.add (local.get $g2) (i32.shl (local.get $i) (i32.const 3))))))
            (if (i32.eqz (i32.and (f64.eq (local.get $c1) (f64.const 0)) (f64.eq (local.get $c2) (f64.const 0))))
              (then
                (local.set $h (i32.add (local.get $H) (i32.mul (local.get $i) (local.get $stride))))
                (local.set $v1 (f64x2.splat (local.get $c1)))
                (local.set $v2 (f64x2.splat (local.get $c2)))
                (local.set $j (i32.const 0))
                ;; j, j + 1 ≤ i two at a time, then the last one
                (block $vec_done
                  (loop $vec
                    (br_if $vec_done (i32.ge_u (local.get $j) (local.get $i)))
                    (v128.store (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3)))
                      (f64x2.add (v128.load (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3))))
                        (f64x2.add
                          (f64x2.mul (local.get $v1) (v128.load (i32.add (local.get $g1) (i32.shl (local.get $j) (i32.const 3)))))
                          (f64x2.mul (local.get $v2) (v128.load (i32.add (local.get $g2) (i32.shl (local.get $j) (i32.const 3))))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 2)))
                    (br $vec)))
                (if (i32.eq (local.get $j) (local.get $i))
                  (then
                    (f64.store (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3)))
                      (f64.add (f64.load (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3))))
                        (f64.add
                          (f64.mul (local.get $c1) (f64.load (i32.add (local.get $g1) (i32.shl (local.get $j) (i32.const 3)))))
                          (f64.mul (local.get $c2) (f64.load (i32.add (local.get $g2) (i32.shl (local.get $j) (i32.const 3))))))))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $row)))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $pair)))
    ;; an odd row left over: H_ij += c1 g1_j
    (if (i32.lt_u (local.get $p) (local.get $c))
      (then
        (local.set $k (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $g1 (i32.add (local.get $G) (i32.mul (local.get $k) (local.get $stride))))
        (local.set $d1 (f64.load (i32.add (local.get $d) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $i (i32.const 0))
        (block $rows_done1
          (loop $row1
            (br_if $rows_done1 (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $c1 (f64.mul (local.get $d1) (f64.load (i32.add (local.get $g1) (i32.shl (local.get $i) (i32.const 3))))))
            (if (f64.ne (local.get $c1) (f64.const 0))
              (then
                (local.set $h (i32.add (local.get $H) (i32.mul (local.get $i) (local.get $stride))))
                (local.set $v1 (f64x2.splat (local.get $c1)))
                (local.set $j (i32.const 0))
                (block $vec_done1
                  (loop $vec1
                    (br_if $vec_done1 (i32.ge_u (local.get $j) (local.get $i)))
                    (v128.store (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3)))
                      (f64x2.add (v128.load (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3))))
                        (f64x2.mul (local.get $v1) (v128.load (i32.add (local.get $g1) (i32.shl (local.get $j) (i32.const 3)))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 2)))
                    (br $vec1)))
                (if (i32.eq (local.get $j) (local.get $i))
                  (then
                    (f64.store (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3)))
                      (f64.add (f64.load (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3))))
                        (f64.mul (local.get $c1) (f64.load (i32.add (local.get $g1) (i32.shl (local.get $j) (i32.const 3)))))))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $row1))))))

  ;; L_ij = (a_ij − Σ_{k<j} L_ik L_jk) / L_jj (j < i),  L_ii = √(a_ii − L_i0² − L_i1² − …) subtracted in order.
  (func $cholesky (export "cholesky") (param $a i32) (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $ri i32) (local $rj i32) (local $stride i32) (local $s f64) (local $v f64)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $stride))))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $i)))
            (local.set $rj (i32.add (local.get $a) (i32.mul (local.get $j) (local.get $stride))))
            (f64.store (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3)))
              (f64.div
                (f64.sub (f64.load (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))
                  (call $dot (local.get $ri) (local.get $rj) (local.get $j)))
                (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $col)))
        (local.set $s (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $k (i32.const 0))
        (block $sq_done
          (loop $sq
            (br_if $sq_done (i32.ge_u (local.get $k) (local.get $i)))
            (local.set $v (f64.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $s (f64.sub (local.get $s) (f64.mul (local.get $v) (local.get $v))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $sq)))
        ;; not (s > 0) catches NaN; s = +∞ is refused as in the JavaScript twin
        (if (i32.or (i32.eqz (f64.gt (local.get $s) (f64.const 0))) (f64.eq (local.get $s) (f64.const inf)))
          (then (return (i32.add (local.get $i) (i32.const 1)))))
        (f64.store (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))) (f64.sqrt (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
    (i32.const 0))

  ;; For each of c rows x of V `[c, n]`: x_i = (x_i − Σ_{f≤k<i} L_ik x_k) / L_ii from its first nonzero f.
  (func (export "solve_rows") (param $L i32) (param $n i32) (param $V i32) (param $c i32)
    (local $r i32) (local $x i32) (local $f i32) (local $i i32) (local $li i32) (local $stride i32) (local $xi i32)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $c)))
        (local.set $x (i32.add (local.get $V) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $f (i32.const 0))
        (block $found
          (loop $scan
            (br_if $found (i32.ge_u (local.get $f) (local.get $n)))
            (br_if $found (f64.ne (f64.load (i32.add (local.get $x) (i32.shl (local.get $f) (i32.const 3)))) (f64.const 0)))
            (local.set $f (i32.add (local.get $f) (i32.const 1)))
            (br $scan)))
        (local.set $i (local.get $f))
        (block $sub_done
          (loop $sub
            (br_if $sub_done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $li (i32.add (local.get $L) (i32.mul (local.get $i) (local.get $stride))))
            (local.set $xi (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
            (f64.store (local.get $xi)
              (f64.div
                (f64.sub (f64.load (local.get $xi))
                  (call $dot
                    (i32.add (local.get $li) (i32.shl (local.get $f) (i32.const 3)))
                    (i32.add (local.get $x) (i32.shl (local.get $f) (i32.const 3)))
                    (i32.sub (local.get $i) (local.get $f))))
                (f64.load (i32.add (local.get $li) (i32.shl (local.get $i) (i32.const 3))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sub)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; M `[c, c]` (lower triangle): M_rc = Σ_{k ≥ f} V_rk V_ck, f = max(first_r, first_c); `first` is i32 scratch
  ;; `[c]` for each row's first nonzero.
  (func (export "gram") (param $V i32) (param $c i32) (param $n i32) (param $M i32) (param $first i32)
    (local $r i32) (local $q i32) (local $f i32) (local $fr i32) (local $vr i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    (block $scanned
      (loop $row
        (br_if $scanned (i32.ge_u (local.get $r) (local.get $c)))
        (local.set $vr (i32.add (local.get $V) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $f (i32.const 0))
        (block $found
          (loop $scan
            (br_if $found (i32.ge_u (local.get $f) (local.get $n)))
            (br_if $found (f64.ne (f64.load (i32.add (local.get $vr) (i32.shl (local.get $f) (i32.const 3)))) (f64.const 0)))
            (local.set $f (i32.add (local.get $f) (i32.const 1)))
            (br $scan)))
        (i32.store (i32.add (local.get $first) (i32.shl (local.get $r) (i32.const 2))) (local.get $f))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))
    (local.set $r (i32.const 0))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $r) (local.get $c)))
        (local.set $fr (i32.load (i32.add (local.get $first) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $q (i32.const 0))
        (block $inner_done
          (loop $inner
            (br_if $inner_done (i32.gt_u (local.get $q) (local.get $r)))
            (local.set $f (i32.load (i32.add (local.get $first) (i32.shl (local.get $q) (i32.const 2)))))
            (if (i32.gt_u (local.get $fr) (local.get $f)) (then (local.set $f (local.get $fr))))
            (f64.store (i32.add (local.get $M) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $c)) (local.get $q)) (i32.const 3)))
              (call $dot
                (i32.add (i32.add (local.get $V) (i32.mul (local.get $r) (local.get $stride))) (i32.shl (local.get $f) (i32.const 3)))
                (i32.add (i32.add (local.get $V) (i32.mul (local.get $q) (local.get $stride))) (i32.shl (local.get $f) (i32.const 3)))
                (i32.sub (local.get $n) (local.get $f))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $inner)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $outer)))))
