//go:build amd64 && !purego

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

// NEXT: count the round; in the first phase (R13 = 0) go to label l until
// R12 (a.k1) rounds are done, then leave to decided; in the second phase
// (R13 = 1, R12 = 0) leave when no lane is undecided or the digits are
// exhausted.
#define NEXT(l) \
	INCQ SI \
	CMPQ SI, R12 \
	JLT l \
	TESTQ R13, R13 \
	JZ decided \
	VPTESTMQ Z11, Z11, K1 \
	KORTESTW K1, K1 \
	JZ decided \
	CMPQ SI, 120(AX) \
	JLT l \
	JMP decided

DATA iota8<>+0(SB)/8, $0
DATA iota8<>+8(SB)/8, $1
DATA iota8<>+16(SB)/8, $2
DATA iota8<>+24(SB)/8, $3
DATA iota8<>+32(SB)/8, $4
DATA iota8<>+40(SB)/8, $5
DATA iota8<>+48(SB)/8, $6
DATA iota8<>+56(SB)/8, $7
GLOBL iota8<>(SB), RODATA|NOPTR, $64

// func replicaRowAsm(a *rowArgs) int
//
// replicaRowGo in AVX-512: first phase over the groups of the row (label
// group), queueing the words left undecided with vpcompressq (after
// decided), then the second phase over the queue (label qgroup). The round
// loops (round, round1, round2, round3, round5) serve both phases.
// Register use: AX = a, BX = byte offset of the group (row, then queue),
// CX = words left, R9 = flipped spins, R11 = trace pointer, R12 = first-phase
// rounds (0 in the second phase), R13 = phase (0, 1), SI = rounds (digit
// index), DX = digit rows, K2 = words of the group; Z0 = spins, Z1..Z6 =
// spins XOR neighbours, Z7..Z9 = unsatisfied-bond count bits, Z10 = spin
// selector, Z11 = undecided lanes, Z12 = accepted lanes, Z13 = digit word p,
// Z16..Z20 = class masks, Z26 = accepted lanes before the second phase,
// Z28..Z31 = generator states, Z24 = random word.
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
	XORQ R13, R13

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

	// ±J (a.sg != nil): XOR every neighbour word with its bond's sign
	// mask, direction k of word h at sg[k*w+h].
	MOVQ 248(AX), R8
	TESTQ R8, R8
	JZ nosign
	ADDQ BX, R8
	MOVQ 56(AX), R10
	SHLQ $3, R10
	VPXORQ (R8), Z1, K2, Z1
	ADDQ R10, R8
	VPXORQ (R8), Z2, K2, Z2
	ADDQ R10, R8
	VPXORQ (R8), Z3, K2, Z3
	ADDQ R10, R8
	VPXORQ (R8), Z4, K2, Z4
	ADDQ R10, R8
	VPXORQ (R8), Z5, K2, Z5
	ADDQ R10, R8
	VPXORQ (R8), Z6, K2, Z6

nosign:
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

dispatch:
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
	TESTQ R13, R13
	JNZ decided2
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

	// Queue the words with undecided lanes (only if digits remain).
	CMPQ SI, 120(AX)
	JGE next1
	VPTESTMQ Z11, Z11, K3
	KMOVW K3, R10
	TESTQ R10, R10
	JZ next1
	POPCNTQ R10, R10
	MOVQ 240(AX), DX
	SHLQ $3, DX
	MOVQ 200(AX), R8
	VPCOMPRESSQ Z11, K3, Z14
	VMOVDQU64 Z14, (R8)(DX*1)
	MOVQ 208(AX), R8
	VPCOMPRESSQ Z12, K3, Z14
	VMOVDQU64 Z14, (R8)(DX*1)
	MOVQ BX, R8
	SHRQ $3, R8
	VPBROADCASTQ R8, Z14
	VPADDQ iota8<>(SB), Z14, Z14
	VPCOMPRESSQ Z14, K3, Z14
	MOVQ 192(AX), R8
	VMOVDQU64 Z14, (R8)(DX*1)
	MOVQ 216(AX), R8
	ADDQ DX, R8
	MOVQ 152(AX), DI
	MOVQ 72(AX), SI
	MOVQ 224(AX), DX
	SHLQ $3, DX

qmask:
	VMOVDQU64 (DI), Z14
	VPCOMPRESSQ Z14, K3, Z14
	VMOVDQU64 Z14, (R8)
	ADDQ $64, DI
	ADDQ DX, R8
	DECQ SI
	JNZ qmask
	ADDQ R10, 240(AX)

next1:
	ADDQ $64, BX
	SUBQ $8, CX
	JMP group

done:
	// Second phase: the queue in groups of eight, from digit k1 + 1.
	MOVQ $1, R13
	XORQ R12, R12
	XORQ BX, BX
	MOVQ 240(AX), CX

qgroup:
	TESTQ CX, CX
	JLE finish
	MOVL $0xff, R8
	CMPQ CX, $8
	JGE qfull
	MOVL $1, R8
	SHLQ CX, R8
	DECQ R8

qfull:
	KMOVW R8, K2
	MOVQ 200(AX), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z11
	MOVQ 208(AX), R8
	VMOVDQU64.Z (R8)(BX*1), K2, Z12
	VMOVDQA64 Z12, Z26
	MOVQ 216(AX), R8
	ADDQ BX, R8
	MOVQ 152(AX), DI
	MOVQ 72(AX), SI
	MOVQ 224(AX), DX
	SHLQ $3, DX

qload:
	VMOVDQU64.Z (R8), K2, Z14
	VMOVDQU64 Z14, (DI)
	ADDQ $64, DI
	ADDQ DX, R8
	DECQ SI
	JNZ qload
	MOVQ 168(AX), SI
	MOVQ SI, DX
	IMULQ 72(AX), DX
	SHLQ $3, DX
	ADDQ 112(AX), DX
	JMP dispatch

decided2:
	MOVQ SI, R10
	SUBQ 168(AX), R10
	MOVL R10, (R11)
	ADDQ $4, R11
	VPANDNQ Z12, Z26, Z13
	MOVQ 160(AX), DI
	VMOVDQU64 Z13, (DI)
	MOVQ 192(AX), R8
	ADDQ BX, R8
	MOVQ 0(AX), SI
	XORQ DX, DX

scat:
	CMPQ DX, CX
	JGE scatdone
	CMPQ DX, $8
	JGE scatdone
	MOVQ (R8)(DX*8), R10
	MOVQ (DI)(DX*8), R12
	XORQ R12, (SI)(R10*8)
	POPCNTQ R12, R12
	ADDQ R12, R9
	INCQ DX
	JMP scat

scatdone:
	XORQ R12, R12
	ADDQ $64, BX
	SUBQ $8, CX
	JMP qgroup

finish:
	MOVQ R11, R10
	SUBQ 144(AX), R10
	SHRQ $2, R10
	MOVQ R10, 232(AX)
	MOVQ 128(AX), R8
	VMOVDQU64 Z28, 0(R8)
	VMOVDQU64 Z29, 64(R8)
	VMOVDQU64 Z30, 128(R8)
	VMOVDQU64 Z31, 192(R8)
	VZEROUPPER
	MOVQ R9, ret+8(FP)
	RET
