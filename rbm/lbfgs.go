package rbm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Full-batch L-BFGS (optimizer LBFGS) for the deterministic objectives:
// the pseudo-likelihood of the whole data set (PL) or its exact
// log-likelihood (Exact). No learning rate, no minibatch noise; one epoch is
// one major iteration of gonum's optimize.LBFGS with its default line
// search. The parameters are the weights, then (unless Symmetric) the
// visible and hidden biases; the L1 and L2 penalties enter the objective.
// At low temperature the pseudo-likelihood is flat (the conditionals are
// nearly deterministic) and noisy minibatch steps stall far from its optimum
// (8x8 torus at T = 1.8: nearest-neighbour coupling 0.504 instead of 0.558);
// L-BFGS follows the curvature.

// errStopLBFGS ends the optimization from the recorder (stopping rule).
var errStopLBFGS = errors.New("rbm: stop")

// lbfgsRecorder calls the epoch hook at every major iteration, after sync
// has set the model's parameters from the location (setParams when nil).
type lbfgsRecorder struct {
	ctx   context.Context
	es    *epochEnd
	t     *trainer
	sync  func([]float64) error
	epoch int
	err   error
}

func (rec *lbfgsRecorder) Init() error { return nil }

func (rec *lbfgsRecorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if err := rec.ctx.Err(); err != nil {
		rec.err = fmt.Errorf("rbm: training stopped at iteration %d: %w", rec.epoch+1, err)
		return rec.err
	}
	if op != optimize.MajorIteration {
		return nil
	}
	if rec.sync != nil {
		if err := rec.sync(loc.X); err != nil {
			rec.err = err
			return err
		}
	} else {
		rec.t.setParams(loc.X)
	}
	stop, err := rec.es.end(rec.epoch, 0)
	rec.epoch++
	if rec.t.cfg.OnBatch != nil {
		rec.t.cfg.OnBatch(rec.epoch, rec.t.cfg.Epochs)
	}
	if err != nil {
		rec.err = err
		return err
	}
	if stop || rec.epoch >= rec.t.cfg.Epochs {
		return errStopLBFGS
	}
	return nil
}

// nParams returns the length of the parameter vector.
func (t *trainer) nParams() int {
	if t.cfg.Symmetric {
		return t.n * t.m
	}
	return t.n*t.m + t.n + t.m
}

// params copies the parameters into x.
func (t *trainer) params(x []float64) {
	w := t.r.W.RawMatrix()
	for i := 0; i < t.n; i++ {
		copy(x[i*t.m:(i+1)*t.m], w.Data[i*w.Stride:i*w.Stride+t.m])
	}
	if !t.cfg.Symmetric {
		copy(x[t.n*t.m:], t.r.Visible.Bias)
		copy(x[t.n*t.m+t.n:], t.r.Hidden.Bias)
	}
}

// setParams copies x into the parameters.
func (t *trainer) setParams(x []float64) {
	w := t.r.W.RawMatrix()
	for i := 0; i < t.n; i++ {
		copy(w.Data[i*w.Stride:i*w.Stride+t.m], x[i*t.m:(i+1)*t.m])
	}
	if !t.cfg.Symmetric {
		copy(t.r.Visible.Bias, x[t.n*t.m:t.n*t.m+t.n])
		copy(t.r.Hidden.Bias, x[t.n*t.m+t.n:])
	}
}

// lbfgsObjective is the optimize.Problem of the full-batch trainers: it
// minimises pen - obj, where ascend(x, g) sets the parameters to x, writes
// the gradient of obj - pen into g (len np) and returns obj and pen. Func
// and Grad at one point share one evaluation; a NaN objective counts as +Inf.
type lbfgsObjective struct {
	ascend func(x, g []float64) (obj, pen float64)
	np     int
	lastX  []float64
	lastG  []float64
	lastF  float64
}

func (o *lbfgsObjective) eval(x []float64) {
	if o.lastX != nil && slices.Equal(x, o.lastX) {
		return
	}
	if o.lastG == nil {
		o.lastG = make([]float64, o.np)
	}
	obj, pen := o.ascend(x, o.lastG)
	for k := range o.lastG {
		o.lastG[k] = -o.lastG[k]
	}
	o.lastF = -obj + pen
	if math.IsNaN(o.lastF) {
		o.lastF = math.Inf(1)
	}
	o.lastX = append(o.lastX[:0], x...)
}

func (o *lbfgsObjective) problem() optimize.Problem {
	return optimize.Problem{
		Func: func(x []float64) float64 { o.eval(x); return o.lastF },
		Grad: func(g, x []float64) { o.eval(x); copy(g, o.lastG) },
	}
}

// trainLBFGS minimises minus the objective of the method over the whole data.
func (t *trainer) trainLBFGS(ctx context.Context, data *mat.Dense, es *epochEnd) error {
	np := t.nParams()
	x0 := make([]float64, np)
	t.params(x0)
	obj := &lbfgsObjective{np: np, ascend: func(x, g []float64) (float64, float64) {
		t.setParams(x)
		var obj float64
		if t.cfg.Method == Exact {
			obj = t.exactGradient()
		} else {
			obj = t.plGradient(data)
		}
		if t.cfg.Symmetric {
			clear(t.ga)
			clear(t.gb)
		}
		pen := t.penalize()
		t.gradVector(g)
		return obj, pen
	}}
	p := obj.problem()
	rec := &lbfgsRecorder{ctx: ctx, es: es, t: t}
	settings := &optimize.Settings{Converger: optimize.NeverTerminate{}, Recorder: rec, MajorIterations: t.cfg.Epochs + 1}
	res, err := optimize.Minimize(p, x0, settings, &optimize.LBFGS{})
	if rec.err != nil {
		return rec.err
	}
	if err != nil && !errors.Is(err, errStopLBFGS) {
		if res == nil || rec.epoch == 0 || math.IsInf(res.F, 0) || math.IsNaN(res.F) {
			return fmt.Errorf("rbm: %w: L-BFGS: %v", ErrDiverged, err)
		}
		// The line search found no better point: converged as far as
		// floating point allows.
		t.setParams(res.X)
	}
	return nil
}

// gradVector copies the gradient into g in the layout of params.
func (t *trainer) gradVector(g []float64) {
	gw := t.gW.RawMatrix()
	for i := 0; i < t.n; i++ {
		copy(g[i*t.m:(i+1)*t.m], gw.Data[i*gw.Stride:i*gw.Stride+t.m])
	}
	if !t.cfg.Symmetric {
		copy(g[t.n*t.m:], t.ga)
		copy(g[t.n*t.m+t.n:], t.gb)
	}
}
