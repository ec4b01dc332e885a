//go:build amd64 && !purego

#include "textflag.h"

// Vectorised logistic function, bit for bit equal to numeric.Sigmoid on
// CPUs with FMA: exp is evaluated exactly as Go's math.Exp does on amd64
// with FMA (math/exp_amd64.s, after Shibata's SLEEF: k = round(y log2 e),
// r = (y - k ln2_hi - k ln2_lo)/16, Taylor polynomial, four squarings of
// the form e(e+2), times 2^k), four lanes at a time, with the same
// operations in the same order. Only lanes with |x| < 708 (so exp(-|x|)
// is a normal number and the scalar code takes no special path) are
// handled; the function stops at the first group of four with another
// value (including NaN) and returns how many elements it did.

DATA sigc<>+0(SB)/8, $0x7fffffffffffffff
DATA sigc<>+8(SB)/8, $0x7fffffffffffffff
DATA sigc<>+16(SB)/8, $0x7fffffffffffffff
DATA sigc<>+24(SB)/8, $0x7fffffffffffffff
DATA sigc<>+32(SB)/8, $708.0
DATA sigc<>+40(SB)/8, $708.0
DATA sigc<>+48(SB)/8, $708.0
DATA sigc<>+56(SB)/8, $708.0
DATA sigc<>+64(SB)/8, $1.4426950408889634073599246810018920
DATA sigc<>+72(SB)/8, $1.4426950408889634073599246810018920
DATA sigc<>+80(SB)/8, $1.4426950408889634073599246810018920
DATA sigc<>+88(SB)/8, $1.4426950408889634073599246810018920
DATA sigc<>+96(SB)/8, $0.69314718055966295651160180568695068359375
DATA sigc<>+104(SB)/8, $0.69314718055966295651160180568695068359375
DATA sigc<>+112(SB)/8, $0.69314718055966295651160180568695068359375
DATA sigc<>+120(SB)/8, $0.69314718055966295651160180568695068359375
DATA sigc<>+128(SB)/8, $0.28235290563031577122588448175013436025525412068e-12
DATA sigc<>+136(SB)/8, $0.28235290563031577122588448175013436025525412068e-12
DATA sigc<>+144(SB)/8, $0.28235290563031577122588448175013436025525412068e-12
DATA sigc<>+152(SB)/8, $0.28235290563031577122588448175013436025525412068e-12
DATA sigc<>+160(SB)/8, $0.0625
DATA sigc<>+168(SB)/8, $0.0625
DATA sigc<>+176(SB)/8, $0.0625
DATA sigc<>+184(SB)/8, $0.0625
DATA sigc<>+192(SB)/8, $2.4801587301587301587e-5
DATA sigc<>+200(SB)/8, $2.4801587301587301587e-5
DATA sigc<>+208(SB)/8, $2.4801587301587301587e-5
DATA sigc<>+216(SB)/8, $2.4801587301587301587e-5
DATA sigc<>+224(SB)/8, $1.9841269841269841270e-4
DATA sigc<>+232(SB)/8, $1.9841269841269841270e-4
DATA sigc<>+240(SB)/8, $1.9841269841269841270e-4
DATA sigc<>+248(SB)/8, $1.9841269841269841270e-4
DATA sigc<>+256(SB)/8, $1.3888888888888888889e-3
DATA sigc<>+264(SB)/8, $1.3888888888888888889e-3
DATA sigc<>+272(SB)/8, $1.3888888888888888889e-3
DATA sigc<>+280(SB)/8, $1.3888888888888888889e-3
DATA sigc<>+288(SB)/8, $8.3333333333333333333e-3
DATA sigc<>+296(SB)/8, $8.3333333333333333333e-3
DATA sigc<>+304(SB)/8, $8.3333333333333333333e-3
DATA sigc<>+312(SB)/8, $8.3333333333333333333e-3
DATA sigc<>+320(SB)/8, $4.1666666666666666667e-2
DATA sigc<>+328(SB)/8, $4.1666666666666666667e-2
DATA sigc<>+336(SB)/8, $4.1666666666666666667e-2
DATA sigc<>+344(SB)/8, $4.1666666666666666667e-2
DATA sigc<>+352(SB)/8, $1.6666666666666666667e-1
DATA sigc<>+360(SB)/8, $1.6666666666666666667e-1
DATA sigc<>+368(SB)/8, $1.6666666666666666667e-1
DATA sigc<>+376(SB)/8, $1.6666666666666666667e-1
DATA sigc<>+384(SB)/8, $0.5
DATA sigc<>+392(SB)/8, $0.5
DATA sigc<>+400(SB)/8, $0.5
DATA sigc<>+408(SB)/8, $0.5
DATA sigc<>+416(SB)/8, $1.0
DATA sigc<>+424(SB)/8, $1.0
DATA sigc<>+432(SB)/8, $1.0
DATA sigc<>+440(SB)/8, $1.0
DATA sigc<>+448(SB)/8, $2.0
DATA sigc<>+456(SB)/8, $2.0
DATA sigc<>+464(SB)/8, $2.0
DATA sigc<>+472(SB)/8, $2.0
DATA sigc<>+480(SB)/8, $1023
DATA sigc<>+488(SB)/8, $1023
DATA sigc<>+496(SB)/8, $1023
DATA sigc<>+504(SB)/8, $1023
GLOBL sigc<>(SB), RODATA|NOPTR, $512

#define ABSMASK sigc<>+0(SB)
#define LIM sigc<>+32(SB)
#define LOG2E sigc<>+64(SB)
#define LN2U sigc<>+96(SB)
#define LN2L sigc<>+128(SB)
#define SIXTEENTH sigc<>+160(SB)
#define C8 sigc<>+192(SB)
#define C7 sigc<>+224(SB)
#define C6 sigc<>+256(SB)
#define C5 sigc<>+288(SB)
#define C4 sigc<>+320(SB)
#define C3 sigc<>+352(SB)
#define HALF sigc<>+384(SB)
#define ONE sigc<>+416(SB)
#define TWO sigc<>+448(SB)
#define BIAS sigc<>+480(SB)

// func sigmoidAVX(x, b *float64, n int, scale float64) int
TEXT ·sigmoidAVX(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ n+16(FP), CX
	VBROADCASTSD scale+24(FP), Y15
	VMOVUPD ABSMASK, Y14
	VMOVUPD LIM, Y13
	VMOVUPD ONE, Y12
	VMOVUPD TWO, Y11
	XORQ DX, DX
	SHRQ $2, CX
	JZ   done

loop:
	VMOVUPD (SI)(DX*8), Y0
	VADDPD (BX)(DX*8), Y0, Y0 // b + t
	VMULPD Y15, Y0, Y0        // x = scale (b + t)
	VANDPD Y14, Y0, Y1        // |x|
	VCMPPD $1, Y13, Y1, Y2    // |x| < 708 (false for NaN)
	VMOVMSKPD Y2, AX
	CMPQ AX, $15
	JNE  done
	VXORPD Y3, Y3, Y3
	VSUBPD Y1, Y3, Y3         // y = -|x|

	// exp(y), as math/exp_amd64.s (FMA path).
	VMULPD LOG2E, Y3, Y4
	VCVTPD2DQY Y4, X5         // k (round to nearest)
	VCVTDQ2PD X5, Y4
	VFNMADD231PD LN2U, Y4, Y3 // y -= k ln2_hi
	VFNMADD231PD LN2L, Y4, Y3 // y -= k ln2_lo
	VMULPD SIXTEENTH, Y3, Y3  // r
	VMOVUPD C8, Y6
	VFMADD213PD C7, Y3, Y6
	VFMADD213PD C6, Y3, Y6
	VFMADD213PD C5, Y3, Y6
	VFMADD213PD C4, Y3, Y6
	VFMADD213PD C3, Y3, Y6
	VFMADD213PD HALF, Y3, Y6
	VFMADD213PD ONE, Y3, Y6
	VMULPD Y6, Y3, Y3
	VADDPD Y11, Y3, Y6
	VMULPD Y6, Y3, Y3
	VADDPD Y11, Y3, Y6
	VMULPD Y6, Y3, Y3
	VADDPD Y11, Y3, Y6
	VMULPD Y6, Y3, Y3
	VADDPD Y11, Y3, Y6
	VFMADD213PD Y12, Y6, Y3   // e^r... = y (y + 2) + 1
	VPMOVSXDQ X5, Y7
	VPADDQ BIAS, Y7, Y7
	VPSLLQ $52, Y7, Y7        // 2^k
	VMULPD Y7, Y3, Y3         // e = exp(-|x|)

	// sigmoid: 1/(1+e) for x >= 0, e/(1+e) for x < 0 (x = -0 gives 1/2 either way).
	VADDPD Y12, Y3, Y8        // 1 + e
	VBLENDVPD Y0, Y3, Y12, Y9 // sign(x) ? e : 1
	VDIVPD Y8, Y9, Y9
	VMOVUPD Y9, (SI)(DX*8)
	ADDQ $4, DX
	DECQ CX
	JNZ  loop

done:
	MOVQ DX, ret+32(FP)
	VZEROUPPER
	RET
