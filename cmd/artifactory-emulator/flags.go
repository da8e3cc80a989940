package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

// options are the command line settings.
type options struct {
	listen      string
	users       []emulator.User // the admin first
	serviceID   string
	version     string
	maxLifetime time.Duration
	latency     time.Duration
	tlsCert     string
	tlsKey      string
}

// userFlags collects repeated --user values.
type userFlags []emulator.User

func (u *userFlags) String() string {
	names := make([]string, len(*u))
	for i, user := range *u {
		names[i] = user.Name
	}
	return strings.Join(names, ",")
}

func (u *userFlags) Set(v string) error {
	user, err := parseUser(v)
	if err != nil {
		return err
	}
	*u = append(*u, user)
	return nil
}

func parseFlags(args []string, output io.Writer) (options, error) {
	var opts options
	var admin string
	var users userFlags
	fs := flag.NewFlagSet("artifactory-emulator", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&opts.listen, "listen", "127.0.0.1:18081", "address to listen on")
	fs.StringVar(&admin, "admin", "admin:password", "the admin user, as name:password")
	fs.Var(&users, "user", "a non-admin user, as name:password[:group1,group2]; repeatable")
	fs.StringVar(&opts.serviceID, "service-id", "", "service id without jfrt@ (default random)")
	fs.StringVar(&opts.version, "version", "7.90.0", "Artifactory version to report")
	fs.DurationVar(&opts.maxLifetime, "max-lifetime", 0, "cap on token lifetimes (0 = none)")
	fs.DurationVar(&opts.latency, "latency", 0, "delay before every answer")
	fs.StringVar(&opts.tlsCert, "tls-cert", "", "PEM certificate file; serves HTTPS with --tls-key")
	fs.StringVar(&opts.tlsKey, "tls-key", "", "PEM private key file for --tls-cert")
	if err := fs.Parse(args); err != nil {
		return options{}, fmt.Errorf("parse flags: %w", err)
	}

	adminUser, err := parseAdmin(admin)
	if err != nil {
		return options{}, err
	}
	opts.users = append([]emulator.User{adminUser}, users...)
	if err := checkOptions(opts, fs.NArg()); err != nil {
		return options{}, err
	}
	return opts, nil
}

func checkOptions(opts options, extraArgs int) error {
	switch {
	case extraArgs > 0:
		return errors.New("unexpected arguments after the flags")
	case (opts.tlsCert == "") != (opts.tlsKey == ""):
		return errors.New("--tls-cert and --tls-key go together")
	case opts.maxLifetime < 0 || opts.latency < 0:
		return errors.New("--max-lifetime and --latency cannot be negative")
	}
	return nil
}

// parseAdmin reads name:password; the password may contain colons.
func parseAdmin(v string) (emulator.User, error) {
	name, password, ok := strings.Cut(v, ":")
	if !ok || name == "" || password == "" {
		return emulator.User{}, errors.New("--admin wants name:password")
	}
	return emulator.User{Name: name, Password: password, Admin: true}, nil
}

// parseUser reads name:password[:group1,group2].
func parseUser(v string) (emulator.User, error) {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return emulator.User{}, errors.New("--user wants name:password[:group1,group2]")
	}
	user := emulator.User{Name: parts[0], Password: parts[1]}
	if len(parts) == 3 && parts[2] != "" {
		user.Groups = strings.Split(parts[2], ",")
	}
	return user, nil
}
