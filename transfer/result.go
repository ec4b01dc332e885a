package transfer

import (
	"encoding/json"
	"math"
)

// Quantity is a bit set naming the thermodynamic quantities a Result holds.
// A method sets the bit of every quantity it computes exactly; the others are
// NaN in the Result and omitted from its JSON form, never faked.
type Quantity uint16

// The quantities of a Result.
const (
	HasLnZ Quantity = 1 << iota
	HasFreeEnergy
	HasEnergy
	HasHeatCapacity
	HasMagnetization
	HasAbsMagnetization
	HasM2
	HasM4
	HasBinder
	HasSusceptibility
	HasSusceptibilityAbs

	// HasThermal is what every zero-field method gives: ln Z, f, u and c.
	HasThermal = HasLnZ | HasFreeEnergy | HasEnergy | HasHeatCapacity
	// HasAll is every quantity.
	HasAll = HasThermal | HasMagnetization | HasAbsMagnetization | HasM2 | HasM4 | HasBinder | HasSusceptibility | HasSusceptibilityAbs
)

// Method names, as reported in Result.Method and accepted by the CLI.
const (
	MethodEnumerate = "enumerate"
	MethodTransfer  = "transfer"
	MethodKaufman   = "kaufman"
	MethodOnsager   = "onsager"
	MethodDOS       = "dos"
	// MethodTransferM is the row transfer matrix that carries the
	// magnetization (MagnetizationDistribution): every quantity, <|m|> too.
	MethodTransferM = "transfer-m"
)

// Result is the exact thermodynamics of one model at one inverse temperature.
//
// Every quantity is per site, with m = (1/N) sum_i s_i and N = Sites:
//
//	LnZ              ln Z (total, not per site)
//	FreeEnergy       f = -ln Z / (beta N)      (absent at beta = 0)
//	Energy           u = <H>/N
//	HeatCapacity     c = beta^2 (<H^2> - <H>^2)/N
//	Magnetization    <m>
//	AbsMagnetization <|m|>
//	M2, M4           <m^2>, <m^4>
//	Binder           U4 = 1 - <m^4>/(3 <m^2>^2)
//	Susceptibility   chi = beta N (<m^2> - <m>^2), the connected susceptibility
//	                 with <m> (not <|m|>): at zero field on a finite lattice
//	                 <m> = 0 and chi = beta N <m^2>.
//	SusceptibilityAbs chi' = beta N (<m^2> - <|m|>^2), the susceptibility
//	                 with <|m|>, the usual finite-size estimator below T_c.
//
// For the infinite lattice (Onsager) Sites is 0 and the quantities are the
// thermodynamic limits per site; LnZ is then ln Z / N.
//
// Has says which quantities the method computed; the others are NaN.
type Result struct {
	Method           string
	Sites            int
	Beta             float64
	LnZ              float64
	FreeEnergy       float64
	Energy           float64
	HeatCapacity     float64
	Magnetization    float64
	AbsMagnetization float64
	M2               float64
	M4               float64
	Binder           float64
	Susceptibility   float64
	// SusceptibilityAbs is chi' = beta N (<m^2> - <|m|>^2).
	SusceptibilityAbs float64
	Has               Quantity
}

// newResult returns a Result with every quantity NaN and Has empty.
func newResult(method string, sites int, beta float64) *Result {
	n := math.NaN()
	return &Result{Method: method, Sites: sites, Beta: beta, LnZ: n, FreeEnergy: n, Energy: n,
		HeatCapacity: n, Magnetization: n, AbsMagnetization: n, M2: n, M4: n, Binder: n, Susceptibility: n, SusceptibilityAbs: n}
}

// set stores v as quantity q and marks it present; a non-finite v is left
// absent (NaN), so that an overflow is never reported as a value.
func (r *Result) set(q Quantity, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = math.NaN()
		r.Has &^= q
	} else {
		r.Has |= q
	}
	switch q {
	case HasLnZ:
		r.LnZ = v
	case HasFreeEnergy:
		r.FreeEnergy = v
	case HasEnergy:
		r.Energy = v
	case HasHeatCapacity:
		r.HeatCapacity = v
	case HasMagnetization:
		r.Magnetization = v
	case HasAbsMagnetization:
		r.AbsMagnetization = v
	case HasM2:
		r.M2 = v
	case HasM4:
		r.M4 = v
	case HasBinder:
		r.Binder = v
	case HasSusceptibility:
		r.Susceptibility = v
	case HasSusceptibilityAbs:
		r.SusceptibilityAbs = v
	default:
		panic("transfer: set: not a single quantity")
	}
}

// setLnZ sets ln Z and, for beta > 0 and N > 0, the free energy per site.
func (r *Result) setLnZ(lnZ float64) {
	r.set(HasLnZ, lnZ)
	if r.Beta > 0 {
		n := float64(r.Sites)
		if r.Sites == 0 { // infinite lattice: LnZ is already per site
			n = 1
		}
		r.set(HasFreeEnergy, -lnZ/(r.Beta*n))
	}
}

// setMoments sets <m>, <|m|>, <m^2>, <m^4> and the derived U4, chi and
// chi'; varM = <m^2> - <m>^2 and varAbs = <m^2> - <|m|>^2 are passed
// separately so that a method can compute them as central moments, without
// cancellation.
func (r *Result) setMoments(m, absm, m2, m4, varM, varAbs float64) {
	r.set(HasMagnetization, m)
	r.set(HasAbsMagnetization, absm)
	r.set(HasM2, m2)
	r.set(HasM4, m4)
	if m2 > 0 {
		r.set(HasBinder, 1-m4/(3*m2*m2))
	}
	r.set(HasSusceptibility, r.Beta*float64(r.Sites)*varM)
	r.set(HasSusceptibilityAbs, r.Beta*float64(r.Sites)*varAbs)
}

// jsonResult is the JSON layout of a Result; absent quantities are omitted.
type jsonResult struct {
	Method            string   `json:"method"`
	Sites             int      `json:"sites"`
	Beta              float64  `json:"beta"`
	LnZ               *float64 `json:"ln_z,omitempty"`
	FreeEnergy        *float64 `json:"free_energy_per_site,omitempty"`
	Energy            *float64 `json:"energy_per_site,omitempty"`
	HeatCapacity      *float64 `json:"heat_capacity_per_site,omitempty"`
	Magnetization     *float64 `json:"magnetization_per_site,omitempty"`
	AbsMagnetization  *float64 `json:"abs_magnetization_per_site,omitempty"`
	M2                *float64 `json:"m2,omitempty"`
	M4                *float64 `json:"m4,omitempty"`
	Binder            *float64 `json:"binder,omitempty"`
	Susceptibility    *float64 `json:"susceptibility_per_site,omitempty"`
	SusceptibilityAbs *float64 `json:"susceptibility_abs_per_site,omitempty"`
}

// MarshalJSON writes the keys method, sites, beta, ln_z, free_energy_per_site,
// energy_per_site, heat_capacity_per_site, magnetization_per_site,
// abs_magnetization_per_site, m2, m4, binder, susceptibility_per_site,
// susceptibility_abs_per_site, leaving
// out every quantity not in Has.
func (r Result) MarshalJSON() ([]byte, error) {
	p := func(q Quantity, v float64) *float64 {
		if r.Has&q == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	return json.Marshal(jsonResult{
		Method: r.Method, Sites: r.Sites, Beta: r.Beta,
		LnZ:               p(HasLnZ, r.LnZ),
		FreeEnergy:        p(HasFreeEnergy, r.FreeEnergy),
		Energy:            p(HasEnergy, r.Energy),
		HeatCapacity:      p(HasHeatCapacity, r.HeatCapacity),
		Magnetization:     p(HasMagnetization, r.Magnetization),
		AbsMagnetization:  p(HasAbsMagnetization, r.AbsMagnetization),
		M2:                p(HasM2, r.M2),
		M4:                p(HasM4, r.M4),
		Binder:            p(HasBinder, r.Binder),
		Susceptibility:    p(HasSusceptibility, r.Susceptibility),
		SusceptibilityAbs: p(HasSusceptibilityAbs, r.SusceptibilityAbs),
	})
}

// Get returns quantity q and whether the Result has it.
func (r *Result) Get(q Quantity) (float64, bool) {
	var v float64
	switch q {
	case HasLnZ:
		v = r.LnZ
	case HasFreeEnergy:
		v = r.FreeEnergy
	case HasEnergy:
		v = r.Energy
	case HasHeatCapacity:
		v = r.HeatCapacity
	case HasMagnetization:
		v = r.Magnetization
	case HasAbsMagnetization:
		v = r.AbsMagnetization
	case HasM2:
		v = r.M2
	case HasM4:
		v = r.M4
	case HasBinder:
		v = r.Binder
	case HasSusceptibility:
		v = r.Susceptibility
	case HasSusceptibilityAbs:
		v = r.SusceptibilityAbs
	default:
		panic("transfer: Get: not a single quantity")
	}
	return v, r.Has&q != 0
}
