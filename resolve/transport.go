package resolve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// RetryPolicy bounds how requests are retried after 429 and 5xx
// answers and after network errors other than a refused connection.
// Zero fields take the defaults.
type RetryPolicy struct {
	// MaxAttempts is the most times one request is sent (default 5).
	MaxAttempts int
	// MaxElapsed bounds the time spent on one request including its
	// waits (default 2 minutes). A Retry-After beyond it ends the
	// retries.
	MaxElapsed time.Duration
	// BaseDelay is the first wait without Retry-After (default 500ms);
	// later waits double, with jitter, up to MaxDelay (default 15s).
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 2 * time.Minute
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 15 * time.Second
	}
	return p
}

// retryStatus reports whether an answer with this status is retried.
func retryStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusRequestTimeout,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// registryTransport is the http.RoundTripper under go-containerregistry:
// it enforces the plain-HTTP policy, picks TLS verification per host,
// retries with backoff honouring Retry-After, and times out requests
// that wait too long for headers or stall while reading the body.
type registryTransport struct {
	verified   http.RoundTripper
	unverified http.RoundTripper // for hosts listed as insecure
	insecure   func(host string) bool
	policy     RetryPolicy
	timeout    time.Duration
	sleep      func(ctx context.Context, d time.Duration) error
}

// errTimeout is the cause recorded when a request is cut off.
var errTimeout = errors.New("timed out")

func newRegistryTransport(base http.RoundTripper, insecure func(string) bool, policy RetryPolicy, timeout time.Duration) *registryTransport {
	t := &registryTransport{
		verified:   base,
		unverified: base,
		insecure:   insecure,
		policy:     policy.withDefaults(),
		timeout:    timeout,
		sleep:      sleepCtx,
	}
	if base == nil {
		t.verified = defaultBaseTransport(false)
		t.unverified = defaultBaseTransport(true)
	} else if ht, ok := base.(*http.Transport); ok {
		u := ht.Clone()
		if u.TLSClientConfig == nil {
			u.TLSClientConfig = &tls.Config{}
		}
		u.TLSClientConfig.InsecureSkipVerify = true
		t.unverified = u
	}
	return t
}

func defaultBaseTransport(skipVerify bool) *http.Transport {
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   15 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 15 * time.Second,
	}
	if skipVerify {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	return t
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

func (t *registryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Host
	if req.URL.Scheme == "http" && !t.insecure(host) {
		return nil, fmt.Errorf("refusing plain HTTP to %q: only localhost and registries listed as insecure may use it", host)
	}
	base := t.verified
	if t.insecure(host) {
		base = t.unverified
	}
	canRetry := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil

	start := time.Now()
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(req.Context())
			r.Body = body
		}
		resp, err := t.once(base, r)
		last := !canRetry || attempt >= t.policy.MaxAttempts
		if err != nil {
			if last || !retryableErr(err) || req.Context().Err() != nil {
				return nil, err
			}
		} else if !retryStatus(resp.StatusCode) || last {
			return resp, nil
		}

		wait := t.backoff(attempt)
		if err == nil {
			if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				wait = ra
			}
		}
		if time.Since(start)+wait > t.policy.MaxElapsed {
			if err != nil {
				return nil, err
			}
			return resp, nil
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// backoff is the wait before attempt+1 when the server names none.
func (t *registryTransport) backoff(attempt int) time.Duration {
	d := t.policy.BaseDelay << (attempt - 1)
	if d <= 0 || d > t.policy.MaxDelay {
		d = t.policy.MaxDelay
	}
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := at.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// retryableErr reports whether a network error is worth another try.
// A refused connection is not: the registry is down, and saying so at
// once beats waiting.
func retryableErr(err error) bool {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return false
	case errors.Is(err, errTimeout), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE):
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// once sends one request; with a timeout set, it is cut off when the
// headers take longer than the timeout or the body stalls that long.
func (t *registryTransport) once(base http.RoundTripper, req *http.Request) (*http.Response, error) {
	if t.timeout <= 0 {
		return base.RoundTrip(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &watchdog{cancel: cancel, timeout: t.timeout}
	w.arm()
	resp, err := base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		w.stop()
		if context.Cause(ctx) == errTimeout {
			cancel(nil)
			return nil, fmt.Errorf("%s %s: no answer within %s: %w", req.Method, req.URL.Redacted(), t.timeout, errTimeout)
		}
		cancel(nil)
		return nil, err
	}
	w.arm()
	resp.Body = &watchedBody{ReadCloser: resp.Body, w: w, ctx: ctx, what: req.Method + " " + req.URL.Redacted()}
	return resp, nil
}

// watchdog cancels a request when it is not fed within timeout.
type watchdog struct {
	mu      sync.Mutex
	timer   *time.Timer
	cancel  context.CancelCauseFunc
	timeout time.Duration
	done    bool
}

func (w *watchdog) arm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return
	}
	if w.timer == nil {
		w.timer = time.AfterFunc(w.timeout, func() { w.cancel(errTimeout) })
		return
	}
	w.timer.Reset(w.timeout)
}

func (w *watchdog) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

type watchedBody struct {
	io.ReadCloser
	w    *watchdog
	ctx  context.Context
	what string
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && context.Cause(b.ctx) == errTimeout {
		return n, fmt.Errorf("%s: download stalled for %s: %w", b.what, b.w.timeout, errTimeout)
	}
	if n > 0 {
		b.w.arm()
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.w.stop()
	err := b.ReadCloser.Close()
	b.w.cancel(nil)
	return err
}
