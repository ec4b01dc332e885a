//go:build amd64 && !purego

#include "textflag.h"

// Per-lane counts of the replicas' +1 spins and unsatisfied bonds for one
// colour-0 row of the checkerboard storage (see cbReplicas.measure), with
// AVX-512: eight words per register, Harley–Seal carry-save trees built
// from vpternlogq (0x96: sum, 0xe8: majority), the high planes of the
// counters rippled in memory. See measArgs and measAcc for the layout.

// CSA(a, b, c, t): a, t = a^b^c, maj(a, b, c).
#define CSA(a, b, c, t) \
	VMOVDQA64 a, t \
	VPTERNLOGQ $0xe8, c, b, t \
	VPTERNLOGQ $0x96, c, b, a

// RIPPLE1(off, c, t): add the bits of c to the vertical counter plane at
// off(R8) (one plane: a half adder whose carry goes on in c).
#define RIPPLE1(off, c, t) \
	VPANDQ off(R8), c, t \
	VPXORQ off(R8), c, c \
	VMOVDQU64 c, off(R8) \
	VMOVDQA64 t, c

// Unsatisfied-bond planes: ones..eights at 0..192(R8) in Z0..Z3 while
// running, weight-16 planes from 256(R8); spin planes: ones, twos, fours at
// 1024..1152(R8) in Z4..Z6, weight-8 planes from 1216(R8).
#define RIPPLE_U(c, t) \
	RIPPLE1(256, c, t) \
	RIPPLE1(320, c, t) \
	RIPPLE1(384, c, t) \
	RIPPLE1(448, c, t) \
	RIPPLE1(512, c, t) \
	RIPPLE1(576, c, t) \
	RIPPLE1(640, c, t) \
	RIPPLE1(704, c, t) \
	RIPPLE1(768, c, t) \
	RIPPLE1(832, c, t) \
	RIPPLE1(896, c, t) \
	RIPPLE1(960, c, t)

#define RIPPLE_M(c, t) \
	RIPPLE1(1216, c, t) \
	RIPPLE1(1280, c, t) \
	RIPPLE1(1344, c, t) \
	RIPPLE1(1408, c, t) \
	RIPPLE1(1472, c, t) \
	RIPPLE1(1536, c, t) \
	RIPPLE1(1600, c, t) \
	RIPPLE1(1664, c, t) \
	RIPPLE1(1728, c, t) \
	RIPPLE1(1792, c, t) \
	RIPPLE1(1856, c, t) \
	RIPPLE1(1920, c, t) \
	RIPPLE1(1984, c, t)

// LOAD4(k): the spin words s (Z8), other colour o (Z9) and the four XOR
// words of group k (8 words at byte offset 64k) in Z10..Z13.
#define LOAD4(k) \
	VMOVDQU64 (k*64)(SI), Z8 \
	VMOVDQU64 (k*64)(DI), Z9 \
	VPXORQ (k*64)(BX), Z8, Z10 \
	VPXORQ (k*64)(CX), Z8, Z11 \
	VPXORQ (k*64)(DX), Z8, Z12 \
	VPXORQ Z9, Z8, Z13

// GROUP2D(k, f): group k's four XOR words into ones (Z0) and twos (Z1);
// its weight-4 output in f.
#define GROUP2D(k, f) \
	LOAD4(k) \
	CSA(Z0, Z10, Z11, Z16) \
	CSA(Z0, Z12, Z13, Z17) \
	CSA(Z1, Z16, Z17, f)

// GROUP3D(k, f): as GROUP2D with the two z neighbours (R10, R11); its
// weight-8 output in f (through twos and fours).
#define GROUP3D(k, f) \
	LOAD4(k) \
	VPXORQ (k*64)(R10), Z8, Z14 \
	VPXORQ (k*64)(R11), Z8, Z15 \
	CSA(Z0, Z10, Z11, Z16) \
	CSA(Z0, Z12, Z13, Z17) \
	CSA(Z0, Z14, Z15, Z18) \
	CSA(Z1, Z16, Z17, Z19) \
	VPANDQ Z1, Z18, f \
	VPXORQ Z18, Z1, Z1 \
	CSA(Z2, Z19, f, Z18) \
	VMOVDQA64 Z18, f

// SPINS(k, c): add s and o of group k (still in Z8, Z9) to the spin
// counter: ones (Z4) and the weight-2 carry in c.
#define SPINS(c) \
	CSA(Z4, Z8, Z9, c)

// func measureRowAVX512(a *measArgs)
TEXT ·measureRowAVX512(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI  // s
	MOVQ 8(AX), DI  // o
	MOVQ 16(AX), BX // o shifted (x neighbour)
	MOVQ 24(AX), CX // o of row y+1
	MOVQ 32(AX), DX // o of row y-1
	MOVQ 40(AX), R10 // o of z+1 (3D)
	MOVQ 48(AX), R11 // o of z-1 (3D)
	MOVQ 56(AX), R9  // blocks of 32 words
	MOVQ 64(AX), R12 // 1: 3D
	MOVQ 72(AX), R8  // acc
	VMOVDQU64 0(R8), Z0
	VMOVDQU64 64(R8), Z1
	VMOVDQU64 128(R8), Z2
	VMOVDQU64 192(R8), Z3
	VMOVDQU64 1024(R8), Z4
	VMOVDQU64 1088(R8), Z5
	VMOVDQU64 1152(R8), Z6
	TESTQ R9, R9
	JZ done
	TESTQ R12, R12
	JNZ loop3d

loop2d:
	// Unsatisfied bonds: 16 XOR words -> one weight-16 word (Z22).
	GROUP2D(0, Z20)
	SPINS(Z24)
	GROUP2D(1, Z21)
	SPINS(Z25)
	CSA(Z2, Z20, Z21, Z23)      // fours; eights-term A in Z23
	CSA(Z5, Z24, Z25, Z26)      // spin twos; fours-term A in Z26
	GROUP2D(2, Z20)
	SPINS(Z24)
	GROUP2D(3, Z21)
	SPINS(Z25)
	CSA(Z2, Z20, Z21, Z27)      // eights-term B in Z27
	CSA(Z3, Z23, Z27, Z22)      // eights; sixteens in Z22
	CSA(Z5, Z24, Z25, Z28)      // fours-term B in Z28
	CSA(Z6, Z26, Z28, Z29)      // spin fours; eights in Z29
	RIPPLE_U(Z22, Z30)
	RIPPLE_M(Z29, Z30)
	ADDQ $256, SI
	ADDQ $256, DI
	ADDQ $256, BX
	ADDQ $256, CX
	ADDQ $256, DX
	DECQ R9
	JNZ loop2d
	JMP done

loop3d:
	GROUP3D(0, Z20)
	SPINS(Z24)
	GROUP3D(1, Z21)
	SPINS(Z25)
	CSA(Z3, Z20, Z21, Z22)      // eights; sixteens in Z22
	RIPPLE_U(Z22, Z30)
	CSA(Z5, Z24, Z25, Z26)
	GROUP3D(2, Z20)
	SPINS(Z24)
	GROUP3D(3, Z21)
	SPINS(Z25)
	CSA(Z3, Z20, Z21, Z22)
	RIPPLE_U(Z22, Z30)
	CSA(Z5, Z24, Z25, Z28)
	CSA(Z6, Z26, Z28, Z29)
	RIPPLE_M(Z29, Z30)
	ADDQ $256, SI
	ADDQ $256, DI
	ADDQ $256, BX
	ADDQ $256, CX
	ADDQ $256, DX
	ADDQ $256, R10
	ADDQ $256, R11
	DECQ R9
	JNZ loop3d

done:
	VMOVDQU64 Z0, 0(R8)
	VMOVDQU64 Z1, 64(R8)
	VMOVDQU64 Z2, 128(R8)
	VMOVDQU64 Z3, 192(R8)
	VMOVDQU64 Z4, 1024(R8)
	VMOVDQU64 Z5, 1088(R8)
	VMOVDQU64 Z6, 1152(R8)
	VZEROUPPER
	RET
