#include "textflag.h"

// GEN: Z24 = next output of the eight xoshiro256++ streams in Z28..Z31
// (s0..s3), which advance: t = s1<<17; s3 ^= s1; s1 ^= s2^s0; s2 ^= s0^t;
// s0 ^= s3; s3 = rotl(s3, 45) (the reference step, reordered).
#define GEN \
	VPADDQ Z31, Z28, Z24 \
	VPROLQ $23, Z24, Z24 \
	VPADDQ Z28, Z24, Z24 \
	VPSLLQ $17, Z29, Z25 \
	VPXORQ Z29, Z31, Z31 \
	VPTERNLOGQ $0x96, Z28, Z30, Z29 \
	VPTERNLOGQ $0x96, Z25, Z28, Z30 \
	VPXORQ Z31, Z28, Z28 \
	VPROLQ $45, Z31, Z31

// UPD: with digit word Z13 and random word Z24: acc |= und & p &^ r;
// und &^= p ^ r.
#define UPD \
	VPANDNQ Z13, Z24, Z15 \
	VPTERNLOGQ $0xf8, Z15, Z11, Z12 \
	VPTERNLOGQ $0x90, Z24, Z13, Z11

// NEXT: count the round; go to label l while fewer than R12 (a.minr) rounds
// are done, else leave to decided when no lane is undecided or the digits
// are exhausted.
#define NEXT(l) \
	INCQ SI \
	CMPQ SI, R12 \
	JLT l \
	VPTESTMQ Z11, Z11, K1 \
	KORTESTW K1, K1 \
	JZ decided \
	CMPQ SI, 120(AX) \
	JLT l \
	JMP decided

// func replicaRowAsm(a *rowArgs) int
//
// Register use: AX = a, BX = byte offset of the group, CX = words left,
// R9 = flipped spins, R11 = trace pointer, K2 = words of the group;
// Z0 = spins, Z1..Z6 = spins XOR neighbours, Z7..Z9 = unsatisfied-bond
// count bits, Z10 = spin selector, Z11 = undecided lanes, Z12 = accepted
// lanes, Z13 = digit word p, Z28..Z31 = generator states, Z24 = random word.
TEXT ·replicaRowAsm(SB), NOSPLIT, $0-16
	MOVQ a+0(FP), AX
	MOVQ 128(AX), R8
	VMOVDQU64 0(R8), Z28
	VMOVDQU64 64(R8), Z29
	VMOVDQU64 128(R8), Z30
	VMOVDQU64 192(R8), Z31
	XORQ BX, BX
	MOVQ 56(AX), CX
	XORQ R9, R9
	MOVQ 144(AX), R11
	MOVQ 168(AX), R12

group:
	TESTQ CX, CX
	JLE done
	MOVL $0xff, R8
	CMPQ CX, $8
	JGE full
	MOVL $1, R8
	SHLQ CX, R8
	DECQ R8

full:
	KMOVW R8, K2
	MOVQ 0(AX), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z0
	MOVQ 8(AX), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z1
	MOVQ 48(AX), R10
	LEAQ (R8)(R10*8), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z2
	MOVQ 16(AX), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z3
	MOVQ 24(AX), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z4
	MOVQ 32(AX), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z5
	MOVQ 40(AX), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z6
	VPXORQ Z0, Z1, Z1
	VPXORQ Z0, Z2, Z2
	VPXORQ Z0, Z3, Z3
	VPXORQ Z0, Z4, Z4
	VPXORQ Z0, Z5, Z5
	VPXORQ Z0, Z6, Z6

	// u = a1 + ... + a6, bit-sliced: two full adders, then the carries.
	VMOVDQA64 Z1, Z14
	VPTERNLOGQ $0x96, Z3, Z2, Z1
	VPTERNLOGQ $0xe8, Z3, Z2, Z14
	VMOVDQA64 Z4, Z15
	VPTERNLOGQ $0x96, Z6, Z5, Z4
	VPTERNLOGQ $0xe8, Z6, Z5, Z15
	VPXORQ Z4, Z1, Z7
	VPANDQ Z4, Z1, Z13
	VMOVDQA64 Z14, Z8
	VPTERNLOGQ $0x96, Z13, Z15, Z8
	VMOVDQA64 Z14, Z9
	VPTERNLOGQ $0xe8, Z13, Z15, Z9
	VPORQ.BCST 136(AX), Z0, Z10

	// Uncertain classes: masks to mbuf, union in Z11.
	VPXORQ Z11, Z11, Z11
	MOVQ 64(AX), DI
	MOVQ 152(AX), SI
	MOVQ 72(AX), DX

unc:
	TESTQ DX, DX
	JZ uncdone
	VPXORQ.BCST 0(DI), Z7, Z14
	VPTERNLOGQ.BCST $0x60, 8(DI), Z8, Z14
	VPTERNLOGQ.BCST $0x60, 16(DI), Z9, Z14
	VPTERNLOGQ.BCST $0x60, 24(DI), Z10, Z14
	VPANDQ.BCST 32(DI), Z14, Z14
	VMOVDQU64.Z Z14, K2, Z14
	VMOVDQU64 Z14, (SI)
	VPORQ Z14, Z11, Z11
	ADDQ $40, DI
	ADDQ $64, SI
	DECQ DX
	JMP unc

uncdone:
	CMPQ 96(AX), $0
	JEQ sure
	VPANDNQ.BCST 104(AX), Z11, Z12
	VMOVDQU64.Z Z12, K2, Z12
	JMP rounds0

sure:
	VPXORQ Z12, Z12, Z12
	MOVQ 80(AX), DI
	MOVQ 88(AX), DX

sureloop:
	TESTQ DX, DX
	JZ suredone
	VPXORQ.BCST 0(DI), Z7, Z14
	VPTERNLOGQ.BCST $0x60, 8(DI), Z8, Z14
	VPTERNLOGQ.BCST $0x60, 16(DI), Z9, Z14
	VPTERNLOGQ.BCST $0x60, 24(DI), Z10, Z14
	VPANDQ.BCST 32(DI), Z14, Z14
	VPORQ Z14, Z12, Z12
	ADDQ $40, DI
	DECQ DX
	JMP sureloop

suredone:
	VMOVDQU64.Z Z12, K2, Z12

rounds0:
	XORQ SI, SI
	MOVQ 112(AX), DX
	VPTESTMQ Z11, Z11, K1
	KORTESTW K1, K1
	JZ decided
	CMPQ 120(AX), $0
	JEQ decided

	MOVQ 152(AX), DI
	MOVQ 72(AX), R10
	CMPQ R10, $2
	JEQ pre2
	CMPQ R10, $1
	JEQ pre1
	CMPQ R10, $3
	JEQ pre3
	CMPQ R10, $5
	JEQ pre5

round:
	GEN
	// p = OR_t mask_t & row_t
	VPXORQ Z13, Z13, Z13
	MOVQ 152(AX), DI
	MOVQ 72(AX), R10

cls:
	VMOVDQU64 (DI), Z14
	VPTERNLOGQ.BCST $0xf8, (DX), Z14, Z13
	ADDQ $64, DI
	ADDQ $8, DX
	DECQ R10
	JNZ cls
	UPD
	NEXT(round)

pre1:
	VMOVDQU64 (DI), Z16

round1:
	GEN
	VPANDQ.BCST (DX), Z16, Z13
	ADDQ $8, DX
	UPD
	NEXT(round1)

pre2:
	VMOVDQU64 (DI), Z16
	VMOVDQU64 64(DI), Z17

round2:
	GEN
	VPANDQ.BCST (DX), Z16, Z13
	VPTERNLOGQ.BCST $0xf8, 8(DX), Z17, Z13
	ADDQ $16, DX
	UPD
	NEXT(round2)

pre3:
	VMOVDQU64 (DI), Z16
	VMOVDQU64 64(DI), Z17
	VMOVDQU64 128(DI), Z18

round3:
	GEN
	VPANDQ.BCST (DX), Z16, Z13
	VPTERNLOGQ.BCST $0xf8, 8(DX), Z17, Z13
	VPTERNLOGQ.BCST $0xf8, 16(DX), Z18, Z13
	ADDQ $24, DX
	UPD
	NEXT(round3)

pre5:
	VMOVDQU64 (DI), Z16
	VMOVDQU64 64(DI), Z17
	VMOVDQU64 128(DI), Z18
	VMOVDQU64 192(DI), Z19
	VMOVDQU64 256(DI), Z20

round5:
	GEN
	VPANDQ.BCST (DX), Z16, Z13
	VPTERNLOGQ.BCST $0xf8, 8(DX), Z17, Z13
	VPTERNLOGQ.BCST $0xf8, 16(DX), Z18, Z13
	VPTERNLOGQ.BCST $0xf8, 24(DX), Z19, Z13
	VPTERNLOGQ.BCST $0xf8, 32(DX), Z20, Z13
	ADDQ $40, DX
	UPD
	NEXT(round5)

decided:
	MOVL SI, (R11)
	ADDQ $4, R11
	VPXORQ Z12, Z0, Z0
	MOVQ 0(AX), R8
	VMOVDQU64 Z0, K2, (R8)(BX*1)
	MOVQ 160(AX), DI
	VMOVDQU64 Z12, (DI)
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
	SUBQ $8, CX
	JMP group

done:
	MOVQ 128(AX), R8
	VMOVDQU64 Z28, 0(R8)
	VMOVDQU64 Z29, 64(R8)
	VMOVDQU64 Z30, 128(R8)
	VMOVDQU64 Z31, 192(R8)
	VZEROUPPER
	MOVQ R9, ret+8(FP)
	RET
