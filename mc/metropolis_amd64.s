//go:build amd64 && !purego

#include "textflag.h"

// The compact sequential Metropolis sweep (see metropolis4 in local.go):
// for every site i in order, f = h_i + sum_j c_j s_j (quanta), one draw u of
// the PCG (math/rand/v2's 128-bit LCG with DXSM output), a flip iff
// s_i f <= 0 or u < thr[s_i f]; de accumulates s_i f over the flips (the
// caller doubles it) and t (flips << 32) - 2 s_i over the flips.
//
// Registers: SI spins, DI record, R9 &thr[qmax], R10 i, R11 t, R8 de,
// R12/R13 PCG state hi/lo; AX, BX, CX, DX, R14, R15 scratch (ABI0: the
// wrapper restores R14 on return).

// One neighbour term: f (BX) += c * s[nb].
#define TERM(nbOff, cOff) \
	MOVLQSX nbOff(DI), CX; \
	MOVBLSX (SI)(CX*1), CX; \
	IMULL cOff(DI), CX; \
	ADDL CX, BX

// PCG step: new state in R12:R13, output in DX.
#define PCG \
	MOVQ R13, AX; \
	MOVQ $4865540595714422341, CX; \
	MULQ CX; \
	IMULQ R12, CX; \
	ADDQ CX, DX; \
	MOVQ $2549297995355413924, CX; \
	IMULQ R13, CX; \
	ADDQ CX, DX; \
	MOVQ $1442695040888963407, CX; \
	ADDQ CX, AX; \
	MOVQ $6364136223846793005, CX; \
	ADCQ CX, DX; \
	MOVQ AX, R13; \
	MOVQ DX, R12; \
	MOVQ DX, CX; \
	SHRQ $32, CX; \
	XORQ CX, DX; \
	MOVQ $0xda942042e4dd58b5, CX; \
	IMULQ CX, DX; \
	MOVQ DX, CX; \
	SHRQ $48, CX; \
	XORQ CX, DX; \
	ORQ $1, AX; \
	IMULQ AX, DX

// Decision and bookkeeping. In index order a site's decision depends on
// the neighbour in slot 0 of its record, the one updated last (usually at
// the previous site): with the decision computed after that spin, the whole
// local field, table load and comparison would form a chain of about 25
// cycles from one site to the next. Instead both decisions, for s_0 = +1
// and s_0 = -1, are made from the other neighbours and the same u (they do
// not depend on the previous site), and s_0 only selects one: the same
// chain of spins and draws, with a short dependency from site to site.
// BX holds f without the slot-0 term, DX u; c0Off is the offset of c_0.
#define DECIDE(c0Off, recSize) \
	MOVBQSX (SI)(R10*1), AX; \
	MOVLQSX c0Off(DI), CX; \
	MOVQ BX, R14; \
	ADDL CX, R14; \
	SUBL CX, BX; \
	IMULL AX, R14; \
	MOVLQSX R14, R14; \
	IMULL AX, BX; \
	MOVLQSX BX, BX; \
	MOVQ (R9)(R14*8), CX; \
	CMPQ DX, CX; \
	SETCS CL; \
	TESTQ R14, R14; \
	SETLE R15B; \
	ORB R15B, CL; \
	MOVQ (R9)(BX*8), R15; \
	CMPQ DX, R15; \
	SETCS DL; \
	TESTQ BX, BX; \
	SETLE R15B; \
	ORB R15B, DL; \
	MOVBQZX CL, CX; \
	MOVBQZX DL, DX; \
	MOVLQSX 0(DI), R15; \
	MOVBQSX (SI)(R15*1), R15; \
	TESTQ R15, R15; \
	CMOVQGT R14, BX; \
	CMOVQGT CX, DX; \
	MOVQ DX, CX; \
	NEGQ CX; \
	ADDQ CX, CX; \
	XORQ AX, CX; \
	MOVB CL, (SI)(R10*1); \
	NEGQ DX; \
	ANDQ DX, BX; \
	ADDQ BX, R8; \
	MOVQ $0x100000000, CX; \
	SUBQ AX, CX; \
	SUBQ AX, CX; \
	ANDQ DX, CX; \
	ADDQ CX, R11; \
	ADDQ $recSize, DI; \
	INCQ R10

// func metropolisAsm4(s *int8, n int, rec *int32, tp *uint64, gen *pcgMirror) (de, t int64)
TEXT ·metropolisAsm4(SB), NOSPLIT, $0-56
	MOVQ s+0(FP), SI
	MOVQ rec+16(FP), DI
	MOVQ tp+24(FP), R9
	MOVQ gen+32(FP), AX
	MOVQ 0(AX), R12
	MOVQ 8(AX), R13
	XORQ R10, R10
	XORQ R11, R11
	XORQ R8, R8
	CMPQ R10, n+8(FP)
	JGE done4
loop4:
	MOVLQSX 32(DI), BX
	TERM(4, 20)
	TERM(8, 24)
	TERM(12, 28)
	PCG
	DECIDE(16, 36)
	CMPQ R10, n+8(FP)
	JLT loop4
done4:
	MOVQ gen+32(FP), AX
	MOVQ R12, 0(AX)
	MOVQ R13, 8(AX)
	SHLQ $1, R8
	MOVQ R8, de+40(FP)
	MOVQ R11, t+48(FP)
	RET

// func metropolisAsm6(s *int8, n int, rec *int32, tp *uint64, gen *pcgMirror) (de, t int64)
TEXT ·metropolisAsm6(SB), NOSPLIT, $0-56
	MOVQ s+0(FP), SI
	MOVQ rec+16(FP), DI
	MOVQ tp+24(FP), R9
	MOVQ gen+32(FP), AX
	MOVQ 0(AX), R12
	MOVQ 8(AX), R13
	XORQ R10, R10
	XORQ R11, R11
	XORQ R8, R8
	CMPQ R10, n+8(FP)
	JGE done6
loop6:
	MOVLQSX 48(DI), BX
	TERM(4, 28)
	TERM(8, 32)
	TERM(12, 36)
	TERM(16, 40)
	TERM(20, 44)
	PCG
	DECIDE(24, 52)
	CMPQ R10, n+8(FP)
	JLT loop6
done6:
	MOVQ gen+32(FP), AX
	MOVQ R12, 0(AX)
	MOVQ R13, 8(AX)
	SHLQ $1, R8
	MOVQ R8, de+40(FP)
	MOVQ R11, t+48(FP)
	RET
