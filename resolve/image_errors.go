package resolve

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// RegistryError is a registry's refusal or failure, worded for people.
// It never holds credentials.
type RegistryError struct {
	// Registry is the host that answered (or did not).
	Registry string
	// Status is the HTTP status, 0 when the registry was not reached.
	Status int
	msg    string
	err    error
}

func (e *RegistryError) Error() string { return e.msg }

// Unwrap returns the underlying error.
func (e *RegistryError) Unwrap() error { return e.err }

// describe turns registry and network failures into RegistryErrors
// that name the registry; other errors pass through.
func describe(err error, registry string) error {
	if err == nil {
		return nil
	}
	var re *RegistryError
	if errors.As(err, &re) {
		return err
	}
	e := &RegistryError{Registry: registry, err: err}
	var te *transport.Error
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &te):
		e.Status = te.StatusCode
		e.msg = statusMessage(registry, te)
	case errors.Is(err, syscall.ECONNREFUSED):
		e.msg = fmt.Sprintf("cannot reach registry %q: connection refused (is it running?)", registry)
	case errors.As(err, &dnsErr):
		e.msg = fmt.Sprintf("cannot reach registry %q: its name does not resolve (%v)", registry, dnsErr)
	case errors.As(err, &certErr):
		e.msg = fmt.Sprintf("registry %q presents a TLS certificate that is not trusted (%v); if that is expected, list it as an insecure registry", registry, certErr.Err)
	case errors.Is(err, errTimeout):
		e.msg = fmt.Sprintf("registry %q did not answer in time: %v", registry, err)
	default:
		return fmt.Errorf("talking to registry %q: %w", registry, err)
	}
	return e
}

func statusMessage(registry string, te *transport.Error) string {
	code := te.StatusCode
	switch code {
	case http.StatusUnauthorized:
		return fmt.Sprintf("registry %q requires credentials it did not accept (401); log in (docker login / podman login) or check the credentials for %q in the docker config", registry, registry)
	case http.StatusForbidden:
		return fmt.Sprintf("registry %q denies access to the image (403); check the credentials and their permissions", registry)
	case http.StatusNotFound:
		return fmt.Sprintf("registry %q says the image does not exist (404)", registry)
	case http.StatusTooManyRequests:
		return fmt.Sprintf("registry %q kept refusing with \"too many requests\" (429); try again later or log in to raise the limit", registry)
	}
	if code >= 500 {
		return fmt.Sprintf("registry %q failed with %d %s; try again later", registry, code, http.StatusText(code))
	}
	return fmt.Sprintf("registry %q answered %d %s", registry, code, http.StatusText(code))
}
