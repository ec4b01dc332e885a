package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/internal/budget"
	"github.com/isingrbm/isingrbm/lattice"
)

func init() { register(latticeCommand) }

func latticeCommand() *cli.Command {
	flags := append(latticeFlags(),
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print a JSON summary on stdout"},
		&cli.StringFlag{Name: "export", Category: catOutput,
			Usage: "write the model to FILE: .json (bonds, fields, coupling matrix), .csv (bond list i,j,J and field rows), .edges or .txt (edge list, readable by --lattice edges)"},
		&cli.StringFlag{Name: "export-matrix", Category: catOutput,
			Usage: "write the N x N coupling matrix J_ij to FILE.csv (no header)"},
	)
	return &cli.Command{
		Name:   "lattice",
		Usage:  "build an Ising model and describe it: sites, bonds, boundaries, coordination",
		Flags:  flags,
		Action: runLattice,
	}
}

// latticeSummary is the JSON layout of 'isingrbm lattice --json'.
type latticeSummary struct {
	Kind         string         `json:"kind"`
	Sites        int            `json:"sites"`
	Bonds        int            `json:"bonds"`
	Dims         []int          `json:"dims"`
	Boundary     []string       `json:"boundary"`
	Coordination map[string]int `json:"coordination"`
	SumCouplings float64        `json:"sum_couplings"`
	SumFields    float64        `json:"sum_fields"`
}

func summarize(m *lattice.Model) latticeSummary {
	s := latticeSummary{Kind: string(m.Geometry.Kind), Sites: m.N, Bonds: m.NumBonds(), Dims: m.Geometry.Dims,
		Boundary: []string{}, Coordination: map[string]int{}}
	for _, b := range m.Geometry.Boundary {
		s.Boundary = append(s.Boundary, b.String())
	}
	for k, v := range m.Coordination() {
		s.Coordination[strconv.Itoa(k)] = v
	}
	for _, b := range m.Bonds() {
		s.SumCouplings += b.Coupling
	}
	for _, h := range m.Fields {
		s.SumFields += h
	}
	return s
}

func runLattice(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if err := noEmpty(c, "export", "export-matrix"); err != nil {
		return err
	}
	m, _, err := modelFromFlags(c)
	if err != nil {
		return err
	}
	var exportExt string
	if p := c.String("export"); p != "" {
		if exportExt, err = checkExt("export", p, "json", "csv", "edges", "txt"); err != nil {
			return err
		}
	}
	if p := c.String("export-matrix"); p != "" {
		if _, err := checkExt("export-matrix", p, "csv"); err != nil {
			return err
		}
		if err := budget.Check(fmt.Sprintf("--export-matrix %s: the dense %d x %d coupling matrix", p, m.N, m.N), lattice.DenseBytes(m.N), "--size"); err != nil {
			return err
		}
	}
	if p := c.String("export"); exportExt == "json" {
		// The JSON holds the dense matrix: once as a matrix, once as rows,
		// and as text in the encoder's buffer (~20 bytes per entry).
		if err := budget.Check(fmt.Sprintf("--export %s: the JSON with the dense %d x %d coupling matrix", p, m.N, m.N), 4.5*lattice.DenseBytes(m.N),
			"--size, or export the bond list (.edges or .csv)"); err != nil {
			return err
		}
	}
	s := summarize(m)
	if c.Bool("json") {
		if err := writeJSON(c.App.Writer, s); err != nil {
			return err
		}
	} else {
		w := c.App.Writer
		fmt.Fprintf(w, "kind          %s\nsites         %d\nbonds         %d\ndims          %v\nboundary      %v\n",
			s.Kind, s.Sites, s.Bonds, s.Dims, s.Boundary)
		keys := make([]int, 0, len(s.Coordination))
		for k := range m.Coordination() {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "coordination  %d sites with %d bonds\n", m.Coordination()[k], k)
		}
		fmt.Fprintf(w, "sum J         %g\nsum h         %g\n", s.SumCouplings, s.SumFields)
	}
	if p := c.String("export"); p != "" {
		if err := writeFile(p, func(w io.Writer) error { return exportModel(w, m, exportExt) }); err != nil {
			return fmt.Errorf("--export: %w", err)
		}
	}
	if p := c.String("export-matrix"); p != "" {
		if err := writeFile(p, func(w io.Writer) error { return exportMatrix(w, m) }); err != nil {
			return fmt.Errorf("--export-matrix: %w", err)
		}
	}
	return nil
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func exportModel(w io.Writer, m *lattice.Model, ext string) error {
	switch ext {
	case "json":
		type bond struct {
			I        int     `json:"i"`
			J        int     `json:"j"`
			Coupling float64 `json:"J"`
		}
		out := struct {
			latticeSummary
			BondList []bond      `json:"bond_list"`
			Fields   []float64   `json:"fields"`
			Matrix   [][]float64 `json:"coupling_matrix"`
		}{latticeSummary: summarize(m), Fields: m.Fields}
		for _, b := range m.Bonds() {
			out.BondList = append(out.BondList, bond{b.I, b.J, b.Coupling})
		}
		jm := m.CouplingMatrix()
		for i := 0; i < m.N; i++ {
			row := make([]float64, m.N)
			for j := range row {
				row[j] = jm.At(i, j)
			}
			out.Matrix = append(out.Matrix, row)
		}
		return writeJSON(w, out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"type", "i", "j", "value"})
		for _, b := range m.Bonds() {
			cw.Write([]string{"bond", strconv.Itoa(b.I), strconv.Itoa(b.J), ftoa(b.Coupling)})
		}
		for i, h := range m.Fields {
			cw.Write([]string{"field", strconv.Itoa(i), "", ftoa(h)})
		}
		cw.Flush()
		return cw.Error()
	default:
		return m.WriteEdges(w)
	}
}

func exportMatrix(w io.Writer, m *lattice.Model) error {
	jm := m.CouplingMatrix()
	cw := csv.NewWriter(w)
	row := make([]string, m.N)
	for i := 0; i < m.N; i++ {
		for j := range row {
			row[j] = ftoa(jm.At(i, j))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
