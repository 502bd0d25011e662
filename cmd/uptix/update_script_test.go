package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/uptix-dev/uptix/internal/testreg"
)

// The registry command gives scripts an in-process registry:
//
//	registry start                  start it; $REGISTRY is its host:port
//	registry push REPO:TAG SEED     push a small image (SEED picks its content)
//	registry pushmulti REPO:TAG SEED  push a multi-platform index
//	registry counts [REPO]          print request counts
//	registry reset                  forget the requests counted so far
//
// Scripts write references with the registry name registry.test:5000
// and run uptix with --mirror registry.test:5000=$REGISTRY, so that
// references and hashes do not depend on the port.
func init() {
	scriptCmds["registry"] = registryCmd
	scriptSetups = append(scriptSetups, func(e *testscript.Env) error {
		e.Values[registryKey{}] = &registryHolder{}
		return nil
	})
}

type registryKey struct{}

// registryHolder holds a script's registry once it is started.
type registryHolder struct{ reg *testreg.Registry }

func registryCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! registry")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: registry start|push|pushmulti|counts|reset ...")
	}
	h := ts.Value(registryKey{}).(*registryHolder)
	if args[0] == "start" {
		reg, err := testreg.Listen("127.0.0.1:0")
		ts.Check(err)
		ts.Defer(reg.Close)
		ts.Setenv("REGISTRY", reg.Host)
		h.reg = reg
		return
	}
	reg := h.reg
	if reg == nil {
		ts.Fatalf("registry %s: run 'registry start' first", args[0])
	}
	switch args[0] {
	case "push", "pushmulti":
		if len(args) != 3 {
			ts.Fatalf("usage: registry %s REPO:TAG SEED", args[0])
		}
		repo, tag, _ := strings.Cut(args[1], ":")
		seed, err := strconv.ParseUint(args[2], 10, 64)
		ts.Check(err)
		if args[0] == "push" {
			_, err = reg.PushImage(repo, tag, testreg.Simple(seed, 2, testreg.Gzip, false))
		} else {
			_, err = reg.PushIndex(repo, tag, testreg.MultiPlatform(seed, true))
		}
		ts.Check(err)
	case "counts":
		repo := ""
		if len(args) > 1 {
			repo = args[1]
		}
		c := reg.Counts(repo)
		fmt.Fprintf(ts.Stdout(), "manifestHEAD=%d manifestGET=%d blobGET=%d blobHEAD=%d\n",
			c.ManifestHEAD, c.ManifestGET, c.BlobGET, c.BlobHEAD)
	case "reset":
		reg.Reset()
	default:
		ts.Fatalf("registry: unknown subcommand %q", args[0])
	}
}
