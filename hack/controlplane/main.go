// Command controlplane runs a local kube-apiserver and etcd, the ones
// envtest uses, until it is interrupted, and writes a kubeconfig for them.
// make demo uses it; it is also handy for trying the operator by hand:
//
//	KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) go run ./hack/controlplane --write-kubeconfig /tmp/kubeconfig
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

func main() {
	kubeconfig := flag.String("write-kubeconfig", "kubeconfig", "Where to write the kubeconfig.")
	flag.Parse()

	if err := run(*kubeconfig); err != nil {
		fmt.Fprintln(os.Stderr, "controlplane:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string) error {
	env := &envtest.Environment{}
	if _, err := env.Start(); err != nil {
		return fmt.Errorf("starting kube-apiserver and etcd: %w", err)
	}
	defer func() { _ = env.Stop() }()

	user, err := env.AddUser(envtest.User{Name: "demo-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("adding a user: %w", err)
	}
	config, err := user.KubeConfig()
	if err != nil {
		return fmt.Errorf("writing a kubeconfig: %w", err)
	}
	if err := os.WriteFile(kubeconfig, config, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", kubeconfig, err)
	}
	fmt.Println("control plane ready; kubeconfig in", kubeconfig)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	return nil
}
