//go:build amd64 && !purego

#include "textflag.h"

// One step p of the 6 x 8 tile: Y0..Y11 += a[p*6+i] * b[p*8 : p*8+8],
// rows i = 0..5 in Y(2i), Y(2i+1); AX points at a[p*6], BX at b[p*8].
#define STEP(aoff, boff) \
	VMOVUPD boff(BX), Y12 \
	VMOVUPD boff+32(BX), Y13 \
	VBROADCASTSD aoff(AX), Y14 \
	VBROADCASTSD aoff+8(AX), Y15 \
	VFMADD231PD Y12, Y14, Y0 \
	VFMADD231PD Y13, Y14, Y1 \
	VFMADD231PD Y12, Y15, Y2 \
	VFMADD231PD Y13, Y15, Y3 \
	VBROADCASTSD aoff+16(AX), Y14 \
	VBROADCASTSD aoff+24(AX), Y15 \
	VFMADD231PD Y12, Y14, Y4 \
	VFMADD231PD Y13, Y14, Y5 \
	VFMADD231PD Y12, Y15, Y6 \
	VFMADD231PD Y13, Y15, Y7 \
	VBROADCASTSD aoff+32(AX), Y14 \
	VBROADCASTSD aoff+40(AX), Y15 \
	VFMADD231PD Y12, Y14, Y8 \
	VFMADD231PD Y13, Y14, Y9 \
	VFMADD231PD Y12, Y15, Y10 \
	VFMADD231PD Y13, Y15, Y11

// Row r of the result: scale by alpha (Y14) and store, or fma with beta (Y15) * C.
#define STORE0(lo, hi) \
	VMULPD Y14, lo, lo \
	VMULPD Y14, hi, hi \
	VMOVUPD lo, (DX) \
	VMOVUPD hi, 32(DX) \
	ADDQ R8, DX

#define STOREB(lo, hi) \
	VMULPD Y14, lo, lo \
	VMULPD Y14, hi, hi \
	VFMADD231PD (DX), Y15, lo \
	VFMADD231PD 32(DX), Y15, hi \
	VMOVUPD lo, (DX) \
	VMOVUPD hi, 32(DX) \
	ADDQ R8, DX

// func kernel(k int, a, b, c *float64, ldc int, alpha, beta float64)
TEXT ·kernel(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $3, R8

	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11

	MOVQ CX, R9
	SHRQ $2, R9
	JZ   tail

loop4:
	STEP(0, 0)
	STEP(48, 64)
	STEP(96, 128)
	STEP(144, 192)
	ADDQ $192, AX
	ADDQ $256, BX
	DECQ R9
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   done

loop1:
	STEP(0, 0)
	ADDQ $48, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop1

done:
	VBROADCASTSD alpha+40(FP), Y14
	MOVQ beta+48(FP), R10
	SHLQ $1, R10 // drop the sign: +0 and -0 mean "do not read C"
	JNZ  withbeta
	STORE0(Y0, Y1)
	STORE0(Y2, Y3)
	STORE0(Y4, Y5)
	STORE0(Y6, Y7)
	STORE0(Y8, Y9)
	STORE0(Y10, Y11)
	VZEROUPPER
	RET

withbeta:
	VBROADCASTSD beta+48(FP), Y15
	STOREB(Y0, Y1)
	STOREB(Y2, Y3)
	STOREB(Y4, Y5)
	STOREB(Y6, Y7)
	STOREB(Y8, Y9)
	STOREB(Y10, Y11)
	VZEROUPPER
	RET
