//go:build amd64 && !purego

#include "textflag.h"

// func replicaRowAVX2(a *rowArgs) int
//
// The first phase of replicaRowGo for the first w/8*8 words of the row (whole
// groups only; the caller does the rest): exactly k1 rounds per group with an
// undecided lane; the undecided and accepted lanes and class masks of every
// word are left at index h of the queue arrays (the caller compacts them).
// AVX2: a group is two halves of four words. The
// generator states, class masks and wide selectors are read from memory.
// Register use: AX = a, BX = byte offset of the group, CX = groups left,
// R9 = flipped spins, R11 = trace pointer, R12 = k1, R13 = half offset,
// Y10/Y11 = undecided lanes (halves), Y12/Y13 = accepted lanes.

// FA: full adder of x, y, z: x = sum, c = carry (t scratch).
#define FA(x, y, z, c, t) \
	VPXOR y, x, t \
	VPAND y, x, c \
	VPXOR z, t, x \
	VPAND z, t, t \
	VPOR t, c, c

// MASK: Y8 = mask of the class whose wide selectors are at DI, for count
// bits Y4, Y5, Y6 and spin selector Y7.
#define MASK \
	VPXOR 0(DI), Y4, Y8 \
	VPXOR 32(DI), Y5, Y9 \
	VPAND Y9, Y8, Y8 \
	VPXOR 64(DI), Y6, Y9 \
	VPAND Y9, Y8, Y8 \
	VPXOR 96(DI), Y7, Y9 \
	VPAND Y9, Y8, Y8 \
	VPAND 128(DI), Y8, Y8

TEXT ·replicaRowAVX2(SB), NOSPLIT, $0-16
	MOVQ a+0(FP), AX
	XORQ BX, BX
	MOVQ 56(AX), CX
	SHRQ $3, CX
	XORQ R9, R9
	MOVQ 144(AX), R11
	MOVQ 168(AX), R12

group:
	TESTQ CX, CX
	JLE done
	XORQ R13, R13

	// Two halves: neighbour counts and class masks.
halves:
	MOVQ 0(AX), R8
	ADDQ R13, R8
	VMOVDQU (R8)(BX*1), Y0
	MOVQ 8(AX), R8
	ADDQ R13, R8
	VPXOR (R8)(BX*1), Y0, Y1
	MOVQ 48(AX), R10
	LEAQ (R8)(R10*8), R8
	VPXOR (R8)(BX*1), Y0, Y2
	MOVQ 16(AX), R8
	ADDQ R13, R8
	VPXOR (R8)(BX*1), Y0, Y3
	// ±J (a.sg != nil): XOR the neighbour words with their bonds' sign
	// masks, direction k of word h at sg[k*w+h] (k = 0, 1, 2 here).
	MOVQ 248(AX), R8
	TESTQ R8, R8
	JZ nosigna
	ADDQ R13, R8
	ADDQ BX, R8
	MOVQ 56(AX), R10
	SHLQ $3, R10
	VPXOR (R8), Y1, Y1
	ADDQ R10, R8
	VPXOR (R8), Y2, Y2
	ADDQ R10, R8
	VPXOR (R8), Y3, Y3

nosigna:
	FA(Y1, Y2, Y3, Y4, Y9)
	MOVQ 24(AX), R8
	ADDQ R13, R8
	VPXOR (R8)(BX*1), Y0, Y2
	MOVQ 32(AX), R8
	ADDQ R13, R8
	VPXOR (R8)(BX*1), Y0, Y3
	MOVQ 40(AX), R8
	ADDQ R13, R8
	VPXOR (R8)(BX*1), Y0, Y5
	// ±J: directions 3, 4, 5.
	MOVQ 248(AX), R8
	TESTQ R8, R8
	JZ nosignb
	ADDQ R13, R8
	ADDQ BX, R8
	MOVQ 56(AX), R10
	SHLQ $3, R10
	LEAQ (R8)(R10*2), R8
	ADDQ R10, R8
	VPXOR (R8), Y2, Y2
	ADDQ R10, R8
	VPXOR (R8), Y3, Y3
	ADDQ R10, R8
	VPXOR (R8), Y5, Y5

nosignb:
	FA(Y2, Y3, Y5, Y6, Y9)
	// Y1 = s1, Y4 = c1, Y2 = s2, Y6 = c2
	VPXOR Y2, Y1, Y3 // u0
	VPAND Y2, Y1, Y1 // c3
	FA(Y4, Y6, Y1, Y2, Y9) // Y4 = u1, Y2 = u2
	VMOVDQA Y2, Y6
	VMOVDQA Y4, Y5
	VMOVDQA Y3, Y4
	VPBROADCASTQ 136(AX), Y7
	VPOR Y0, Y7, Y7
	// Save the spins of the half.
	MOVQ 160(AX), SI
	VMOVDQU Y0, (SI)(R13*1)

	VPXOR Y14, Y14, Y14 // und
	MOVQ 176(AX), DI
	MOVQ 152(AX), SI
	ADDQ R13, SI
	MOVQ 72(AX), DX

unc:
	TESTQ DX, DX
	JZ uncdone
	MASK
	VMOVDQU Y8, (SI)
	VPOR Y8, Y14, Y14
	ADDQ $160, DI
	ADDQ $64, SI
	DECQ DX
	JMP unc

uncdone:
	CMPQ 96(AX), $0
	JEQ sure
	VPBROADCASTQ 104(AX), Y15
	VPANDN Y15, Y14, Y15
	JMP halfdone

sure:
	VPXOR Y15, Y15, Y15
	MOVQ 184(AX), DI
	MOVQ 88(AX), DX

sureloop:
	TESTQ DX, DX
	JZ halfdone
	MASK
	VPOR Y8, Y15, Y15
	ADDQ $160, DI
	DECQ DX
	JMP sureloop

halfdone:
	TESTQ R13, R13
	JNZ second
	VMOVDQA Y14, Y10
	VMOVDQA Y15, Y12
	MOVQ $32, R13
	JMP halves

second:
	VMOVDQA Y14, Y11
	VMOVDQA Y15, Y13

	// Rounds.
	XORQ SI, SI
	MOVQ 112(AX), DX
	VPOR Y10, Y11, Y0
	VPTEST Y0, Y0
	JZ decided

round:
	XORQ R13, R13

rhalf:
	MOVQ 128(AX), R8
	ADDQ R13, R8
	VMOVDQU 0(R8), Y0
	VMOVDQU 64(R8), Y1
	VMOVDQU 128(R8), Y2
	VMOVDQU 192(R8), Y3
	VPADDQ Y3, Y0, Y4
	VPSLLQ $23, Y4, Y5
	VPSRLQ $41, Y4, Y4
	VPOR Y5, Y4, Y4
	VPADDQ Y0, Y4, Y4 // r
	VPSLLQ $17, Y1, Y5 // t
	VPXOR Y1, Y3, Y3 // s3 ^= s1
	VPXOR Y0, Y2, Y2 // s2 ^= s0
	VPXOR Y2, Y1, Y1 // s1 ^= s2
	VPXOR Y5, Y2, Y2 // s2 ^= t
	VPXOR Y3, Y0, Y0 // s0 ^= s3
	VPSLLQ $45, Y3, Y5
	VPSRLQ $19, Y3, Y3
	VPOR Y5, Y3, Y3
	VMOVDQU Y0, 0(R8)
	VMOVDQU Y1, 64(R8)
	VMOVDQU Y2, 128(R8)
	VMOVDQU Y3, 192(R8)

	// p = OR_t mask_t & row_t
	VPXOR Y6, Y6, Y6
	MOVQ 152(AX), DI
	ADDQ R13, DI
	MOVQ DX, R8
	MOVQ 72(AX), R10

cls:
	VPBROADCASTQ (R8), Y7
	VPAND (DI), Y7, Y7
	VPOR Y7, Y6, Y6
	ADDQ $64, DI
	ADDQ $8, R8
	DECQ R10
	JNZ cls

	VPANDN Y6, Y4, Y7 // p &^ r
	VPXOR Y4, Y6, Y6  // p ^ r
	TESTQ R13, R13
	JNZ rhi
	VPAND Y10, Y7, Y7
	VPOR Y7, Y12, Y12
	VPANDN Y10, Y6, Y10
	MOVQ $32, R13
	JMP rhalf

rhi:
	VPAND Y11, Y7, Y7
	VPOR Y7, Y13, Y13
	VPANDN Y11, Y6, Y11
	MOVQ R8, DX
	INCQ SI
	CMPQ SI, R12
	JLT round

decided:
	MOVL SI, (R11)
	ADDQ $4, R11
	// Per-word state after the first phase, at index h, for the queue.
	MOVQ 200(AX), R8
	VMOVDQU Y10, (R8)(BX*1)
	VMOVDQU Y11, 32(R8)(BX*1)
	MOVQ 208(AX), R8
	VMOVDQU Y12, (R8)(BX*1)
	VMOVDQU Y13, 32(R8)(BX*1)
	MOVQ 216(AX), R8
	ADDQ BX, R8
	MOVQ 152(AX), DI
	MOVQ 72(AX), SI
	MOVQ 224(AX), R10
	SHLQ $3, R10
	TESTQ SI, SI
	JZ qdone

qcopy:
	VMOVDQU (DI), Y0
	VMOVDQU 32(DI), Y1
	VMOVDQU Y0, (R8)
	VMOVDQU Y1, 32(R8)
	ADDQ $64, DI
	ADDQ R10, R8
	DECQ SI
	JNZ qcopy

qdone:
	MOVQ 160(AX), DI
	VPXOR (DI), Y12, Y0
	VPXOR 32(DI), Y13, Y1
	MOVQ 0(AX), R8
	VMOVDQU Y0, (R8)(BX*1)
	VMOVDQU Y1, 32(R8)(BX*1)
	VMOVDQU Y12, (DI)
	VMOVDQU Y13, 32(DI)
	POPCNTQ 0(DI), R10
	ADDQ R10, R9
	POPCNTQ 8(DI), R10
	ADDQ R10, R9
	POPCNTQ 16(DI), R10
	ADDQ R10, R9
	POPCNTQ 24(DI), R10
	ADDQ R10, R9
	POPCNTQ 32(DI), R10
	ADDQ R10, R9
	POPCNTQ 40(DI), R10
	ADDQ R10, R9
	POPCNTQ 48(DI), R10
	ADDQ R10, R9
	POPCNTQ 56(DI), R10
	ADDQ R10, R9
	ADDQ $64, BX
	DECQ CX
	JMP group

done:
	VZEROUPPER
	MOVQ R9, ret+8(FP)
	RET
