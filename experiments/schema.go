package experiments

import (
	"strings"

	"github.com/isingrbm/isingrbm/mc"
)

// QuantityKeys are the names of the thermodynamic quantities in every output
// of isingrbm: the JSON keys of 'isingrbm exact', of 'isingrbm mc' and of
// 'isingrbm rbm eval|sample', and the CSV columns of every command and of the
// data files of 'isingrbm run'. A Monte Carlo estimate adds KEY_error (one
// sigma) and KEY_tau_int (integrated autocorrelation time, in measurements).
// Per-site quantities use m = (1/N) sum_i s_i.
var QuantityKeys = []string{
	"ln_z",                        // ln Z (total; ln Z/N for the infinite lattice)
	"free_energy_per_site",        // f = -ln Z/(beta N)
	"energy_per_site",             // u = <H>/N
	"heat_capacity_per_site",      // c = beta^2 (<H^2> - <H>^2)/N
	"magnetization_per_site",      // <m>
	"abs_magnetization_per_site",  // <|m|>
	"m2",                          // <m^2>
	"m4",                          // <m^4>
	"binder",                      // U4 = 1 - <m^4>/(3 <m^2>^2)
	"susceptibility_per_site",     // chi = beta N (<m^2> - <m>^2)
	"susceptibility_abs_per_site", // chi' = beta N (<m^2> - <|m|>^2)
}

// QuantitySuffixes are the suffixes of a Monte Carlo estimate's columns.
var QuantitySuffixes = []string{"_error", "_tau_int"}

// SchemaColumns are the other column names the writers of isingrbm use, with
// their meaning. Together with QuantityKeys (and their suffixes) they are the
// one list every CSV header and data-file column is checked against
// (TestSchemaEveryWriter in cmd/isingrbm and TestSchemaTables here).
var SchemaColumns = map[string]string{
	// every table of per-temperature results
	"temperature":        "T = 1/beta in units of J (k_B = 1); empty (CSV) or null (JSON) at beta = 0",
	"beta":               "inverse temperature 1/T in units of 1/J",
	"size":               "lattice size as given (e.g. 4x4)",
	"sites":              "number of sites N (0 for the infinite lattice)",
	"method":             "exact method (enumerate, transfer, transfer-m, kaufman, onsager, dos, chain)",
	"algorithm":          "Monte Carlo algorithm or sampler (metropolis, heatbath, wolff, sw, pt, rbm-gibbs, ...)",
	"index":              "position of the temperature in the --beta/--T list",
	"measurements":       "number of measurements",
	"acceptance":         "accepted / attempted updates (1 for cluster moves)",
	"mean_cluster_size":  "mean number of spins of a flipped cluster (cluster moves)",
	"updates":            "attempted single-spin updates, or flipped spins for cluster moves",
	"seconds":            "wall time (0 with --seconds=false)",
	"warnings":           "warnings of the analysis (run too short, ...), separated by '; '",
	"binder_slope":       "dU4/dT (reweighting)",
	"binder_slope_error": "one sigma of binder_slope",
	// exact density of states
	"energy": "total energy E (units of J)",
	"count":  "number of states g(E) (decimal integer)",
	// exact_z
	"reference_method": "the method ln_z_rel_diff is measured against",
	"ln_z_rel_diff":    "|ln Z - ln Z_ref| / |ln Z_ref|",
	// exact_z_convergence
	"L":                             "linear size of an L x L torus",
	"ln_z_per_site":                 "ln Z/N",
	"ln_z_per_site_infinite":        "ln Z/N of the infinite lattice (Onsager)",
	"free_energy_per_site_infinite": "f of the infinite lattice (Onsager)",
	"free_energy_per_site_diff":     "f_L - f_inf",
	"l2_free_energy_per_site_diff":  "L^2 (f_L - f_inf)",
	// hs
	"model":                 "model label",
	"hidden":                "hidden-unit type (gaussian, bond, ...) or number of hidden units",
	"hidden_units":          "number of hidden units",
	"shift":                 "diagonal shift c of A = beta J + c I",
	"ln_z_ising":            "ln Z of the Ising model",
	"ln_z_rbm":              "ln Z of the RBM",
	"ln_z_offset":           "ln Z_RBM - ln Z_Ising predicted by the construction",
	"ln_z_offset_error":     "ln Z_RBM - ln Z_Ising - ln_z_offset",
	"max_abs_log_prob_diff": "max over states |ln p_RBM - ln p_Ising|",
	"kl_ising_rbm":          "KL(p_Ising || p_RBM) in nats",
	"total_variation":       "total variation distance",
	"state":                 "state k: s_i = +1 iff bit i of k is set",
	"log_p_ising":           "ln p_Ising(s)",
	"log_p_rbm":             "ln p_RBM(s) (visible marginal)",
	"log_p_diff":            "ln p_RBM(s) - ln p_Ising(s)",
	"nodes":                 "Gauss-Hermite nodes per dimension",
	"ln_z_quadrature":       "ln Z of the continuum HS integral by quadrature",
	"ln_z_exact":            "ln Z by enumeration",
	"rel_diff":              "relative difference",
	// snapshot
	"x":    "site column",
	"y":    "site row",
	"spin": "spin s = -1 or +1",
	// cumulants (random RBMs, no temperature)
	"hidden_type":              "hidden-unit type",
	"order":                    "order k of the couplings J_S, |S| = k",
	"norm_exact":               "norm of the exact k-body couplings",
	"norm_cumulant":            "norm of the cumulant-expansion couplings",
	"max_abs_error":            "largest |exact - cumulant| coupling",
	"truncation_order":         "order K of the truncated cumulant series",
	"max_abs_error_all_orders": "largest coupling error of the series truncated at K",
	// learning
	"observable":        "a quantity key",
	"mean":              "estimate",
	"error":             "one sigma of the estimate",
	"exact":             "exact value",
	"deviation_sigma":   "(mean - exact)/error",
	"deviation_percent": "100 (mean - exact)/|exact|",
	"train_seconds":     "training wall time",
	"study":             "what varies: hidden (hidden units) or samples",
	"samples":           "training samples",
	"kl":                "KL(p_Ising || p_RBM) in nats",
	"floor":             "statistical floor (free parameters)/(2 x samples)",
	"free_parameters":   "free parameters of the model",
}

// InSchema reports whether name is a column name of the schema: a quantity
// key, a quantity key with a suffix of QuantitySuffixes, or a SchemaColumns
// name.
func InSchema(name string) bool {
	if _, ok := SchemaColumns[name]; ok {
		return true
	}
	for _, k := range QuantityKeys {
		if name == k {
			return true
		}
		if rest, ok := strings.CutPrefix(name, k); ok {
			for _, s := range QuantitySuffixes {
				if rest == s {
					return true
				}
			}
		}
	}
	return false
}

// estimateColumns are KEY, KEY_error, KEY_tau_int for each key.
func estimateColumns(keys ...string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k, k+"_error", k+"_tau_int")
	}
	return out
}

// MCQuantityKeys are the quantities of a Monte Carlo result in column order.
var MCQuantityKeys = []string{"energy_per_site", "heat_capacity_per_site", "magnetization_per_site",
	"abs_magnetization_per_site", "m2", "m4", "binder", "susceptibility_per_site", "susceptibility_abs_per_site"}

// MCEstimates returns the estimates of x in the order of MCQuantityKeys.
func MCEstimates(x *mc.TempResult) []mc.Estimate {
	return []mc.Estimate{x.Energy, x.HeatCapacity, x.Magnetization, x.AbsMagnetization, x.M2, x.M4,
		x.Binder, x.Susceptibility, x.SusceptibilityAbs}
}
