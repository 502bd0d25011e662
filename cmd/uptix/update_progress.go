package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progress shows the dependencies being resolved: bars on a terminal,
// a line per finished dependency otherwise.
type updProgress interface {
	start(key string) updTracker
	// add counts n more bytes downloaded for key.
	add(key string, n int64)
	wait()
}

// updTracker follows one dependency.
type updTracker interface {
	// done ends the dependency's display and returns the bytes counted.
	done(o depOutcome) int64
}

// isTerminalWriter reports whether w is a terminal of a known width
// that can show progress bars.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && termWidth(f) > 0
}

func newProgress(w io.Writer) updProgress {
	if isTerminalWriter(w) {
		return &barProgress{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(24))}
	}
	return &lineProgress{w: w}
}

// byteCounters maps keys to byte byteCounters shared by both displays.
type byteCounters struct {
	m sync.Map // key -> *atomic.Int64
}

func (c *byteCounters) counter(key string) *atomic.Int64 {
	v, _ := c.m.LoadOrStore(key, new(atomic.Int64))
	return v.(*atomic.Int64)
}

// lineProgress prints one line per finished dependency.
type lineProgress struct {
	byteCounters
	mu sync.Mutex
	w  io.Writer
}

func (l *lineProgress) start(key string) updTracker { return &lineTracker{l, key} }

func (l *lineProgress) add(key string, n int64) { l.counter(key).Add(n) }

func (l *lineProgress) wait() {}

type lineTracker struct {
	l   *lineProgress
	key string
}

func (t *lineTracker) done(o depOutcome) int64 {
	n := t.l.counter(t.key).Load()
	line := o.status.String()
	if n > 0 {
		line += ", " + humanBytes(n) + " downloaded"
	}
	t.l.mu.Lock()
	fmt.Fprintf(t.l.w, "%s: %s\n", t.key, line)
	t.l.mu.Unlock()
	return n
}

// barProgress shows a spinner per dependency with the bytes downloaded.
type barProgress struct {
	byteCounters
	p    *mpb.Progress
	bars sync.Map // key -> *mpb.Bar
}

func (b *barProgress) start(key string) updTracker {
	var msg atomic.Value
	msg.Store("")
	bar := b.p.New(0, mpb.SpinnerStyle(),
		mpb.PrependDecorators(decor.Name(key, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(
			decor.Current(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace),
			decor.Any(func(decor.Statistics) string { return msg.Load().(string) }),
		),
		mpb.BarFillerClearOnComplete(),
	)
	b.bars.Store(key, bar)
	return &barTracker{b: b, key: key, bar: bar, msg: &msg}
}

func (b *barProgress) add(key string, n int64) {
	b.counter(key).Add(n)
	if v, ok := b.bars.Load(key); ok {
		v.(*mpb.Bar).IncrInt64(n)
	}
}

func (b *barProgress) wait() { b.p.Wait() }

type barTracker struct {
	b   *barProgress
	key string
	bar *mpb.Bar
	msg *atomic.Value
}

func (t *barTracker) done(o depOutcome) int64 {
	if o.status == depUnchanged {
		// Only what changed, or failed, stays on the screen.
		t.bar.Abort(true)
	} else {
		t.msg.Store(" " + o.status.String())
		t.bar.SetTotal(-1, true)
	}
	return t.b.counter(t.key).Load()
}

// humanBytes formats n bytes for people: "512 B", "1.5 KiB", "12.3 MiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
