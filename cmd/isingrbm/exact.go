package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/transfer"
)

func init() { register(exactCommand) }

func exactCommand() *cli.Command {
	flags := append(latticeFlags(), temperatureFlags(true)...)
	for _, f := range flags {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Name == "size" {
			sf.Usage += "; a comma-separated list (4x4,8x8,16x16) gives one table over sizes x temperatures"
		}
	}
	flags = append(flags,
		&cli.StringFlag{Name: "method", Value: "auto", Category: "Method",
			Usage: "auto (a method giving every quantity when cheap: transfer-m or enumeration up to 24 sites; else the fastest exact method that applies), enumerate (any model, N <= 36), transfer (uniform chain, or uniform square lattice: row width <= 24 open, <= 14 torus; all but <|m|>), transfer-m (row transfer matrix carrying the magnetization: exact P(M), every quantity incl. <|m|> and chi'; uniform chain or square lattice, row width <= 14 torus, <= 24 open, at most 2 GiB and about 10 min per temperature), kaufman (zero-field ferromagnetic torus, any size), onsager (infinite square lattice), dos (exact density of states g(E) of the isotropic zero-field torus with an even side, Beale; with --json and no temperature prints g(E))"},
		&cli.BoolFlag{Name: "json", Category: catOutput,
			Usage: "print JSON: one object per temperature (an array for several)"},
		&cli.StringFlag{Name: "out", Category: catOutput, Usage: "also write the results to FILE.csv (the table) or FILE.json (as --json), atomically"},
	)
	return &cli.Command{
		Name:  "exact",
		Usage: "exact partition function and thermodynamics: enumeration, transfer matrices, Kaufman, Onsager, exact density of states",
		Description: "Per-site quantities with m = (1/N) sum_i s_i: f = -ln Z/(beta N), u = <H>/N, c = beta^2 var(H)/N,\n" +
			"<m>, <|m|>, <m^2>, <m^4>, U4 = 1 - <m^4>/(3<m^2>^2), chi = beta N (<m^2> - <m>^2) (connected, with <m>),\n" +
			"chi' = beta N (<m^2> - <|m|>^2) (with <|m|>).\n" +
			"A quantity a method cannot give is left out (\"-\" in the table, omitted in JSON, empty in CSV).\n" +
			"Example: isingrbm exact --lattice square --size 4x4 --T 1.5:3.5:0.5",
		Flags:  flags,
		Action: runExact,
	}
}

func runExact(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if rows, notes, ok, err := exactLongChain(c); ok || err != nil {
		if err != nil {
			return err
		}
		return exactWrite(c, rows, notes)
	}
	models, sizes, err := exactModels(c)
	if err != nil {
		return err
	}
	if err := noEmpty(c, "method", "out"); err != nil {
		return err
	}
	method := strings.ToLower(c.String("method"))
	known := method == "auto"
	for _, k := range transfer.Methods {
		known = known || k == method
	}
	if !known {
		return fmt.Errorf("--method %q: allowed auto, %s", c.String("method"), strings.Join(transfer.Methods, ", "))
	}
	if p := c.String("out"); p != "" {
		if _, err := checkExt("out", p, "csv", "json"); err != nil {
			return err
		}
		if err := checkWritable("out", p); err != nil {
			return err
		}
	}
	if method == transfer.MethodDOS && !c.IsSet("beta") && !c.IsSet("T") {
		if len(models) > 1 {
			return fmt.Errorf("--size %s: --method dos without a temperature prints g(E) of one size: give one size, or --T", c.String("size"))
		}
		return exactDOS(c, models[0])
	}
	betas, err := betasFromFlags(c, nil)
	if err != nil {
		return err
	}
	var rows []exactRow
	var notes []string
	for k, m := range models {
		if err := checkOverflow(c, m, betas); err != nil {
			return err
		}
		me, note := method, ""
		if method == "auto" {
			chosen, why, err := transfer.Auto(m)
			if err != nil {
				return fmt.Errorf("--method auto: %w", err)
			}
			me, note = chosen, fmt.Sprintf("auto: %s (%s)", chosen, why)
			if len(models) > 1 {
				note = "--size " + sizes[k] + ": " + note
			}
		} else if err := transfer.Applicable(m, method); err != nil {
			if errors.Is(err, transfer.ErrSize) {
				return fmt.Errorf("--method %s: --size %s: %w", method, sizes[k], err)
			}
			return fmt.Errorf("--method %s: %w", method, err)
		}
		if note != "" {
			notes = append(notes, note)
		}
		res, err := transfer.Compute(c.Context, m, betas, me, transfer.Options{})
		if err != nil {
			return fmt.Errorf("--method %s: %w", me, err)
		}
		for _, r := range res {
			rows = append(rows, exactRow{size: sizes[k], res: r})
		}
	}
	return exactWrite(c, rows, notes)
}

// exactWrite prints the rows (table or --json) and writes --out.
func exactWrite(c *cli.Context, rows []exactRow, notes []string) error {
	var err error
	if c.Bool("json") {
		for _, n := range notes {
			fmt.Fprintln(c.App.ErrWriter, n)
		}
		err = writeExactJSON(c.App.Writer, rows)
	} else {
		for _, n := range notes {
			fmt.Fprintln(c.App.Writer, "# "+n)
		}
		for _, r := range rows {
			if r.res.Method == transfer.MethodOnsager {
				fmt.Fprintln(c.App.Writer, "# onsager: infinite square lattice (thermodynamic limit; ln_z is ln Z/N)")
				break
			}
		}
		err = exactTable(c.App.Writer, rows)
	}
	if err != nil {
		return err
	}
	if p := c.String("out"); p != "" {
		write := func(w io.Writer) error { return exactCSV(w, rows) }
		if extOf(p) == "json" {
			write = func(w io.Writer) error { return writeExactJSON(w, rows) }
		}
		if err := writeFile(p, write); err != nil {
			return keepResults(c, "out", err, func(w io.Writer) error { return writeExactJSON(w, rows) })
		}
	}
	return nil
}

// exactRow is one result of the table: a size of the --size list at one temperature.
type exactRow struct {
	size string
	res  *transfer.Result
}

// exactModels builds the model of every size of --size (a comma-separated
// list: "4x4,8x8,16x16"); errors name the size.
func exactModels(c *cli.Context) ([]*lattice.Model, []string, error) {
	list := c.String("size")
	if !strings.Contains(list, ",") {
		m, _, err := modelFromFlags(c)
		if err != nil {
			return nil, nil, err
		}
		return []*lattice.Model{m}, []string{list}, nil
	}
	if c.String("lattice") == "edges" {
		return nil, nil, fmt.Errorf("--size %s: a list of sizes needs a geometry (--lattice chain, square, triangular, cubic, complete), not an edge list", list)
	}
	defer c.Set("size", list)
	var models []*lattice.Model
	var sizes []string
	for _, sz := range strings.Split(list, ",") {
		sz = strings.TrimSpace(sz)
		if sz == "" {
			return nil, nil, fmt.Errorf("--size %s: empty size in the list: want sizes separated by commas, e.g. 4x4,8x8", list)
		}
		if err := c.Set("size", sz); err != nil {
			return nil, nil, err
		}
		m, _, err := modelFromFlags(c)
		if err != nil {
			if !strings.Contains(err.Error(), sz) {
				err = fmt.Errorf("--size %s: %w", sz, err)
			}
			return nil, nil, err
		}
		models, sizes = append(models, m), append(sizes, sz)
	}
	return models, sizes, nil
}

// writeExactJSON writes the rows as JSON: one object, or an array for
// several, each with the keys of transfer.Result preceded by "size" and
// "temperature" (null at beta = 0).
func writeExactJSON(w io.Writer, rows []exactRow) error {
	objs := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		b, err := json.Marshal(r.res)
		if err != nil {
			return err
		}
		var t any
		if r.res.Beta > 0 {
			t = 1 / r.res.Beta
		}
		head, _ := json.Marshal(map[string]any{"size": r.size, "temperature": t})
		// {"size":..,"temperature":..} + the result's keys
		objs[i] = append(append(head[:len(head)-1:len(head)-1], ','), b[1:]...)
	}
	if len(objs) == 1 {
		return writeJSON(w, objs[0])
	}
	return writeJSON(w, objs)
}

// exactColumns are the quantities in table and CSV order, with their JSON keys.
var exactColumns = []struct {
	q   transfer.Quantity
	key string
}{
	{transfer.HasLnZ, "ln_z"},
	{transfer.HasFreeEnergy, "free_energy_per_site"},
	{transfer.HasEnergy, "energy_per_site"},
	{transfer.HasHeatCapacity, "heat_capacity_per_site"},
	{transfer.HasMagnetization, "magnetization_per_site"},
	{transfer.HasAbsMagnetization, "abs_magnetization_per_site"},
	{transfer.HasM2, "m2"},
	{transfer.HasM4, "m4"},
	{transfer.HasBinder, "binder"},
	{transfer.HasSusceptibility, "susceptibility_per_site"},
	{transfer.HasSusceptibilityAbs, "susceptibility_abs_per_site"},
}

func exactTable(w io.Writer, rows []exactRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "size\tmethod\tsites\tbeta\tT\tln_z\tf\tu\tc\tm\t|m|\tm2\tm4\tU4\tchi\tchi'")
	for _, x := range rows {
		r := x.res
		t := "inf"
		if r.Beta > 0 {
			t = strconv.FormatFloat(1/r.Beta, 'g', 10, 64)
		}
		row := []string{x.size, r.Method, strconv.Itoa(r.Sites), strconv.FormatFloat(r.Beta, 'g', 10, 64), t}
		for _, col := range exactColumns {
			if v, ok := r.Get(col.q); ok {
				row = append(row, strconv.FormatFloat(v, 'g', 12, 64))
			} else {
				row = append(row, "-")
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// exactCSVHeader is the header of 'isingrbm exact --out FILE.csv': the
// columns of the experiments' data/exact.csv (the schema's quantity keys).
var exactCSVHeader = func() []string {
	h := []string{"size", "sites", "method", "temperature", "beta"}
	for _, col := range exactColumns {
		h = append(h, col.key)
	}
	return h
}()

func exactCSV(w io.Writer, rows []exactRow) error {
	cw := csv.NewWriter(w)
	cw.Write(exactCSVHeader)
	for _, x := range rows {
		r := x.res
		t := ""
		if r.Beta > 0 {
			t = strconv.FormatFloat(1/r.Beta, 'g', -1, 64)
		}
		row := []string{x.size, strconv.Itoa(r.Sites), r.Method, t, strconv.FormatFloat(r.Beta, 'g', -1, 64)}
		for _, col := range exactColumns {
			if v, ok := r.Get(col.q); ok && !math.IsNaN(v) {
				row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
			} else {
				row = append(row, "")
			}
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// exactDOS prints the exact density of states: JSON
// {"sites": N, "dos": [{"energy": E, "count": "decimal"}, ...]} or a table.
func exactDOS(c *cli.Context, m *lattice.Model) error {
	if err := transfer.Applicable(m, transfer.MethodDOS); err != nil {
		return fmt.Errorf("--method dos: %w", err)
	}
	lx, ly := m.Geometry.Dims[0], m.Geometry.Dims[1]
	d, err := transfer.DOS(c.Context, lx, ly)
	if err != nil {
		return fmt.Errorf("--method dos: %w", err)
	}
	j, _ := m.UniformCoupling()
	type entry struct {
		Energy float64 `json:"energy"`
		Count  string  `json:"count"`
	}
	out := struct {
		Sites int     `json:"sites"`
		DOS   []entry `json:"dos"`
	}{Sites: d.N}
	for k, g := range d.Count {
		if g.Sign() != 0 {
			out.DOS = append(out.DOS, entry{j * float64(d.Energy(k)), g.String()})
		}
	}
	if p := c.String("out"); p != "" {
		err := writeFile(p, func(w io.Writer) error {
			if extOf(p) == "json" {
				return writeJSON(w, out)
			}
			cw := csv.NewWriter(w)
			cw.Write([]string{"energy", "count"})
			for _, e := range out.DOS {
				cw.Write([]string{strconv.FormatFloat(e.Energy, 'g', -1, 64), e.Count})
			}
			cw.Flush()
			return cw.Error()
		})
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, out)
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "# exact density of states of the %dx%d torus (Beale 1996); energy E in units of energy (J = %g)\nenergy\tcount\n", lx, ly, j)
	for _, e := range out.DOS {
		fmt.Fprintf(tw, "%g\t%s\n", e.Energy, e.Count)
	}
	return tw.Flush()
}
