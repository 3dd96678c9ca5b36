;; PDQ's hot loops (src/media/pdq.ts holds the algorithm and the memory layout; `npm run build:wasm` assembles this
;; file into pdq-kernels.wasm, which is committed).
;;
;; Bit-exactness with Meta's float reference is the contract: WebAssembly f32 arithmetic is IEEE single precision with
;; round-to-nearest and never fuses a multiply into an add, so every lane below performs exactly the float operations
;; of the reference, in its order. SIMD is used only across independent outputs (4 rows, 4 columns, 4 pixels), never
;; to reassociate a sum.
;;
;; Callers leave 32 bytes of slack after the pixel buffer, the luma plane and the 64x64 plane: the vector loops round
;; up to whole groups of 4 and read or write into it.
(module
  (memory (export "memory") 1)

  ;; Float32 luma of `n` interleaved 8-bit pixels at `pix` (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) into `out`:
  ;; Y = (0.299f*R + 0.587f*G) + 0.114f*B; grey is the value itself. Alpha is ignored, as in the reference.
  ;; Four pixels per step, one per i32 lane; the integer-to-float conversion is the signed one (cheaper on x86,
  ;; and the same for 0..255).
  (func (export "luma") (param $pix i32) (param $n i32) (param $ch i32) (param $out i32)
    (local $end i32) (local $v v128) (local $byte v128)
    (local $cr v128) (local $cg v128) (local $cb v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $byte (i32x4.splat (i32.const 255)))
    (local.set $cr (f32x4.splat (f32.const 0x1.322d0ep-2)))  ;; (float)0.299
    (local.set $cg (f32x4.splat (f32.const 0x1.2c8b44p-1)))  ;; (float)0.587
    (local.set $cb (f32x4.splat (f32.const 0x1.d2f1aap-4)))  ;; (float)0.114
    (if (i32.le_u (local.get $ch) (i32.const 2))
      (then
        (block $greyDone
          (loop $grey
            (br_if $greyDone (i32.ge_u (local.get $out) (local.get $end)))
            (if (i32.eq (local.get $ch) (i32.const 1))
              (then (local.set $v (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $pix))))))
              (else (local.set $v (v128.and (i32x4.extend_low_i16x8_u (v128.load64_zero (local.get $pix))) (local.get $byte)))))
            (v128.store (local.get $out) (f32x4.convert_i32x4_s (local.get $v)))
            (local.set $pix (i32.add (local.get $pix) (i32.shl (local.get $ch) (i32.const 2))))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (br $grey)))
        (return)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        ;; one pixel per i32 lane: R in bits 0-7, G 8-15, B 16-23
        (local.set $v (v128.load (local.get $pix)))
        (if (i32.eq (local.get $ch) (i32.const 3))
          (then (local.set $v (i8x16.shuffle 0 1 2 0 3 4 5 0 6 7 8 0 9 10 11 0 (local.get $v) (local.get $v)))))
        (v128.store (local.get $out)
          (f32x4.add
            (f32x4.add
              (f32x4.mul (local.get $cr) (f32x4.convert_i32x4_s (v128.and (local.get $v) (local.get $byte))))
              (f32x4.mul (local.get $cg) (f32x4.convert_i32x4_s
                (v128.and (i32x4.shr_u (local.get $v) (i32.const 8)) (local.get $byte)))))
            (f32x4.mul (local.get $cb) (f32x4.convert_i32x4_s
              (v128.and (i32x4.shr_u (local.get $v) (i32.const 16)) (local.get $byte))))))
        (local.set $pix (i32.add (local.get $pix) (i32.shl (local.get $ch) (i32.const 2))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $next))))

  ;; The reference's box1DFloat along lines of `len` floats, writing the result transposed: output k of a line goes
  ;; to dst[k * dstStride + column]. Transposing on the way out lets both filter directions use this one kernel (rows
  ;; of the plane, then rows of its transpose) and makes every store one contiguous vector.
  ;;
  ;; `groups` holds `ngroups` records of 5 i32: four source line indices (one per lane) and their first output column.
  ;; A caller with a line count not divisible by 4 lets the last group overlap the one before; four groups are
  ;; filtered side by side (a running sum is a chain of dependent adds, so one group alone waits on latency), and a
  ;; last incomplete quad repeats its last group. Repeated or overlapping lines are computed twice to the same values.
  ;; `strip` is scratch for len*64 bytes: the sixteen lines interleaved.
  ;;
  ;; Per lane, the float operations are the reference's: running sum from 0, phase 1 adds half-1 samples, phase 2
  ;; adds and writes sum/count while the window grows, phase 3 adds the entering sample then subtracts the leaving
  ;; one, phase 4 subtracts while the window shrinks. sum/count is a float division (count is exact in float).
  (func (export "box_t")
    (param $src i32) (param $len i32) (param $w i32) (param $groups i32) (param $ngroups i32)
    (param $dst i32) (param $dstStride i32) (param $strip i32)
    (local $q i32) (local $j i32) (local $rec i32) (local $rowBytes i32)
    (local $l0 i32) (local $l1 i32) (local $l2 i32) (local $l3 i32)
    (local $k i32) (local $kk i32) (local $s i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $half i32) (local $i i32) (local $count i32)
    (local $ri i32) (local $li i32) (local $ostep i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $cnt v128)
    (local.set $rowBytes (i32.shl (local.get $len) (i32.const 2)))
    (local.set $ostep (i32.shl (local.get $dstStride) (i32.const 2)))
    (local.set $half (i32.shr_u (i32.add (local.get $w) (i32.const 2)) (i32.const 1)))
    (local.set $q (i32.const 0))
    (block $quadsDone
      (loop $quad
        (br_if $quadsDone (i32.ge_u (local.get $q) (local.get $ngroups)))

        ;; Interleave each group's four lines into the strip (group j at byte 16*j of each 64-byte step) by 4x4
        ;; transposes; the last block of a line overlaps the one before (len >= 4).
        (local.set $j (i32.const 0))
        (block $groupsDone
          (loop $group
            (br_if $groupsDone (i32.ge_u (local.get $j) (i32.const 4)))
            (local.set $rec (i32.add (local.get $groups) (i32.mul (i32.const 20)
              (select (i32.add (local.get $q) (local.get $j)) (i32.sub (local.get $ngroups) (i32.const 1))
                (i32.lt_u (i32.add (local.get $q) (local.get $j)) (local.get $ngroups))))))
            (local.set $l0 (i32.add (local.get $src) (i32.mul (i32.load (local.get $rec)) (local.get $rowBytes))))
            (local.set $l1 (i32.add (local.get $src) (i32.mul (i32.load offset=4 (local.get $rec)) (local.get $rowBytes))))
            (local.set $l2 (i32.add (local.get $src) (i32.mul (i32.load offset=8 (local.get $rec)) (local.get $rowBytes))))
            (local.set $l3 (i32.add (local.get $src) (i32.mul (i32.load offset=12 (local.get $rec)) (local.get $rowBytes))))
            (local.set $s (i32.add (local.get $dst) (i32.shl (i32.load offset=16 (local.get $rec)) (i32.const 2))))
            (if (i32.eq (local.get $j) (i32.const 0)) (then (local.set $o0 (local.get $s))))
            (if (i32.eq (local.get $j) (i32.const 1)) (then (local.set $o1 (local.get $s))))
            (if (i32.eq (local.get $j) (i32.const 2)) (then (local.set $o2 (local.get $s))))
            (if (i32.eq (local.get $j) (i32.const 3)) (then (local.set $o3 (local.get $s))))
            (local.set $k (i32.const 0))
            (block $stripDone
              (loop $block
                (br_if $stripDone (i32.ge_u (local.get $k) (local.get $len)))
                (local.set $kk (select (local.get $k) (i32.sub (local.get $len) (i32.const 4))
                  (i32.le_u (i32.add (local.get $k) (i32.const 4)) (local.get $len))))
                (local.set $a (v128.load (i32.add (local.get $l0) (i32.shl (local.get $kk) (i32.const 2)))))
                (local.set $b (v128.load (i32.add (local.get $l1) (i32.shl (local.get $kk) (i32.const 2)))))
                (local.set $c (v128.load (i32.add (local.get $l2) (i32.shl (local.get $kk) (i32.const 2)))))
                (local.set $d (v128.load (i32.add (local.get $l3) (i32.shl (local.get $kk) (i32.const 2)))))
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $d)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $d)))
                (local.set $s (i32.add (i32.add (local.get $strip) (i32.shl (local.get $kk) (i32.const 6)))
                  (i32.shl (local.get $j) (i32.const 4))))
                (v128.store (local.get $s)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                (v128.store offset=64 (local.get $s)
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                (v128.store offset=128 (local.get $s)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                (v128.store offset=192 (local.get $s)
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $block)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $group)))

        (local.set $s0 (v128.const f32x4 0 0 0 0))
        (local.set $s1 (v128.const f32x4 0 0 0 0))
        (local.set $s2 (v128.const f32x4 0 0 0 0))
        (local.set $s3 (v128.const f32x4 0 0 0 0))
        (local.set $count (i32.const 0))
        (local.set $ri (local.get $strip))
        (local.set $li (local.get $strip))

        ;; phase 1: half-1 samples
        (local.set $i (i32.sub (local.get $half) (i32.const 1)))
        (block $p1Done
          (loop $p1
            (br_if $p1Done (i32.eqz (local.get $i)))
            (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $ri))))
            (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $ri))))
            (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $ri))))
            (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $ri))))
            (local.set $ri (i32.add (local.get $ri) (i32.const 64)))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $p1)))
        ;; phase 2: w-half+1 samples, window growing
        (local.set $i (i32.add (i32.sub (local.get $w) (local.get $half)) (i32.const 1)))
        (block $p2Done
          (loop $p2
            (br_if $p2Done (i32.eqz (local.get $i)))
            (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $ri))))
            (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $ri))))
            (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $ri))))
            (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $ri))))
            (local.set $ri (i32.add (local.get $ri) (i32.const 64)))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $cnt (f32x4.splat (f32.convert_i32_u (local.get $count))))
            (v128.store (local.get $o0) (f32x4.div (local.get $s0) (local.get $cnt)))
            (v128.store (local.get $o1) (f32x4.div (local.get $s1) (local.get $cnt)))
            (v128.store (local.get $o2) (f32x4.div (local.get $s2) (local.get $cnt)))
            (v128.store (local.get $o3) (f32x4.div (local.get $s3) (local.get $cnt)))
            (local.set $o0 (i32.add (local.get $o0) (local.get $ostep)))
            (local.set $o1 (i32.add (local.get $o1) (local.get $ostep)))
            (local.set $o2 (i32.add (local.get $o2) (local.get $ostep)))
            (local.set $o3 (i32.add (local.get $o3) (local.get $ostep)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $p2)))
        ;; phase 3: len-w steps, full window
        (local.set $cnt (f32x4.splat (f32.convert_i32_u (local.get $count))))
        (local.set $i (i32.sub (local.get $len) (local.get $w)))
        (block $p3Done
          (loop $p3
            (br_if $p3Done (i32.eqz (local.get $i)))
            (local.set $s0 (f32x4.sub (f32x4.add (local.get $s0) (v128.load (local.get $ri))) (v128.load (local.get $li))))
            (local.set $s1 (f32x4.sub (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $ri))) (v128.load offset=16 (local.get $li))))
            (local.set $s2 (f32x4.sub (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $ri))) (v128.load offset=32 (local.get $li))))
            (local.set $s3 (f32x4.sub (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $ri))) (v128.load offset=48 (local.get $li))))
            (local.set $ri (i32.add (local.get $ri) (i32.const 64)))
            (local.set $li (i32.add (local.get $li) (i32.const 64)))
            (v128.store (local.get $o0) (f32x4.div (local.get $s0) (local.get $cnt)))
            (v128.store (local.get $o1) (f32x4.div (local.get $s1) (local.get $cnt)))
            (v128.store (local.get $o2) (f32x4.div (local.get $s2) (local.get $cnt)))
            (v128.store (local.get $o3) (f32x4.div (local.get $s3) (local.get $cnt)))
            (local.set $o0 (i32.add (local.get $o0) (local.get $ostep)))
            (local.set $o1 (i32.add (local.get $o1) (local.get $ostep)))
            (local.set $o2 (i32.add (local.get $o2) (local.get $ostep)))
            (local.set $o3 (i32.add (local.get $o3) (local.get $ostep)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $p3)))
        ;; phase 4: half-1 steps, window shrinking
        (local.set $i (i32.sub (local.get $half) (i32.const 1)))
        (block $p4Done
          (loop $p4
            (br_if $p4Done (i32.eqz (local.get $i)))
            (local.set $s0 (f32x4.sub (local.get $s0) (v128.load (local.get $li))))
            (local.set $s1 (f32x4.sub (local.get $s1) (v128.load offset=16 (local.get $li))))
            (local.set $s2 (f32x4.sub (local.get $s2) (v128.load offset=32 (local.get $li))))
            (local.set $s3 (f32x4.sub (local.get $s3) (v128.load offset=48 (local.get $li))))
            (local.set $li (i32.add (local.get $li) (i32.const 64)))
            (local.set $count (i32.sub (local.get $count) (i32.const 1)))
            (local.set $cnt (f32x4.splat (f32.convert_i32_u (local.get $count))))
            (v128.store (local.get $o0) (f32x4.div (local.get $s0) (local.get $cnt)))
            (v128.store (local.get $o1) (f32x4.div (local.get $s1) (local.get $cnt)))
            (v128.store (local.get $o2) (f32x4.div (local.get $s2) (local.get $cnt)))
            (v128.store (local.get $o3) (f32x4.div (local.get $s3) (local.get $cnt)))
            (local.set $o0 (i32.add (local.get $o0) (local.get $ostep)))
            (local.set $o1 (i32.add (local.get $o1) (local.get $ostep)))
            (local.set $o2 (i32.add (local.get $o2) (local.get $ostep)))
            (local.set $o3 (i32.add (local.get $o3) (local.get $ostep)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $p4)))

        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br $quad))))

  ;; Quality numerator of the 64x64 plane at `a`: sum over vertical and horizontal neighbours of
  ;; |(int)(((A - B) * 100f) / 255f)| (truncation toward zero). The caller divides by 90 and caps at 100.
  (func (export "quality_sum") (param $a i32) (result i32)
    (local $p i32) (local $end i32) (local $row i32) (local $j i32)
    (local $acc v128) (local $c100 v128) (local $c255 v128) (local $d v128)
    (local.set $c100 (f32x4.splat (f32.const 100)))
    (local.set $c255 (f32x4.splat (f32.const 255)))
    (local.set $acc (v128.const i32x4 0 0 0 0))
    ;; rows i and i+1, i = 0..62
    (local.set $p (local.get $a))
    (local.set $end (i32.add (local.get $a) (i32.const 16128)))  ;; 63 rows of 256 bytes
    (block $vDone
      (loop $v
        (br_if $vDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $acc (i32x4.add (local.get $acc) (i32x4.abs (i32x4.trunc_sat_f32x4_s
          (f32x4.div (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (v128.load offset=256 (local.get $p)))
            (local.get $c100)) (local.get $c255))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $v)))
    ;; columns j and j+1, j = 0..62: the last block of a row covers j = 60..63 and drops lane 63
    (local.set $row (i32.const 0))
    (block $hDone
      (loop $h
        (br_if $hDone (i32.ge_u (local.get $row) (i32.const 64)))
        (local.set $p (i32.add (local.get $a) (i32.shl (local.get $row) (i32.const 8))))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $cols
            (br_if $rowDone (i32.ge_u (local.get $j) (i32.const 16)))
            (local.set $d (i32x4.abs (i32x4.trunc_sat_f32x4_s
              (f32x4.div (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (v128.load offset=4 (local.get $p)))
                (local.get $c100)) (local.get $c255)))))
            (if (i32.eq (local.get $j) (i32.const 15))
              (then (local.set $d (v128.and (local.get $d) (v128.const i32x4 -1 -1 -1 0)))))
            (local.set $acc (i32x4.add (local.get $acc) (local.get $d)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $h)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; The 16x16 DCT block: T = D·A (16x64) then B = T·Dᵀ (16x16), D the 16x64 DCT matrix at `d` and its transpose at
  ;; `dt` (64x16). Every dot product is summed in k order from 0, s = s + (x*y), as in the reference; the four lanes
  ;; are four neighbouring outputs j.
  (func (export "dct") (param $a i32) (param $d i32) (param $dt i32) (param $t i32) (param $b i32)
    (local $i i32) (local $q i32) (local $k i32) (local $col i32) (local $x v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    ;; T[i][16q .. 16q+15] = Σk D[i][k] · A[k][16q .. 16q+15]
    (local.set $i (i32.const 0))
    (block $tDone
      (loop $ti
        (br_if $tDone (i32.ge_u (local.get $i) (i32.const 16)))
        (local.set $q (i32.const 0))
        (block $qDone
          (loop $tq
            (br_if $qDone (i32.ge_u (local.get $q) (i32.const 4)))
            (local.set $s0 (v128.const f32x4 0 0 0 0))
            (local.set $s1 (v128.const f32x4 0 0 0 0))
            (local.set $s2 (v128.const f32x4 0 0 0 0))
            (local.set $s3 (v128.const f32x4 0 0 0 0))
            (local.set $col (i32.add (local.get $a) (i32.shl (local.get $q) (i32.const 6))))
            (local.set $k (i32.const 0))
            (block $kDone
              (loop $tk
                (br_if $kDone (i32.ge_u (local.get $k) (i32.const 64)))
                (local.set $x (f32x4.splat (f32.load
                  (i32.add (local.get $d) (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 6)) (local.get $k)) (i32.const 2))))))
                (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $x) (v128.load (local.get $col)))))
                (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $col)))))
                (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $col)))))
                (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $col)))))
                (local.set $col (i32.add (local.get $col) (i32.const 256)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $tk)))
            (local.set $col (i32.add (local.get $t)
              (i32.add (i32.shl (local.get $i) (i32.const 8)) (i32.shl (local.get $q) (i32.const 6)))))
            (v128.store (local.get $col) (local.get $s0))
            (v128.store offset=16 (local.get $col) (local.get $s1))
            (v128.store offset=32 (local.get $col) (local.get $s2))
            (v128.store offset=48 (local.get $col) (local.get $s3))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $tq)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $ti)))
    ;; B[i][0..15] = Σk T[i][k] · Dᵀ[k][0..15]
    (local.set $i (i32.const 0))
    (block $bDone
      (loop $bi
        (br_if $bDone (i32.ge_u (local.get $i) (i32.const 16)))
        (local.set $s0 (v128.const f32x4 0 0 0 0))
        (local.set $s1 (v128.const f32x4 0 0 0 0))
        (local.set $s2 (v128.const f32x4 0 0 0 0))
        (local.set $s3 (v128.const f32x4 0 0 0 0))
        (local.set $col (local.get $dt))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $bk
            (br_if $kDone (i32.ge_u (local.get $k) (i32.const 64)))
            (local.set $x (f32x4.splat (f32.load
              (i32.add (local.get $t) (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 6)) (local.get $k)) (i32.const 2))))))
            (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $x) (v128.load (local.get $col)))))
            (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $col)))))
            (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $col)))))
            (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $col)))))
            (local.set $col (i32.add (local.get $col) (i32.const 64)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $bk)))
        (local.set $col (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 6))))
        (v128.store (local.get $col) (local.get $s0))
        (v128.store offset=16 (local.get $col) (local.get $s1))
        (v128.store offset=32 (local.get $col) (local.get $s2))
        (v128.store offset=48 (local.get $col) (local.get $s3))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bi))))
)
