// wwdriver drives webwire-go v1.0.0-rc1's own client (github.com/qbeon/webwire-go/client) from line commands on
// standard input and prints what happens on standard output, one line each, for the Java integration tests
// (it/WebwireIT). Payloads are single tokens of text; "-" is the empty payload.
//
//   connect <host:port>              -> "connected" | "error <type> <message>"
//   request <name|-> <binary|utf8|utf16> <payload|->
//                                    -> "reply <text>" | "error <type> <code> <message>"
//   signal <name|-> <encoding> <payload>   -> "sent" | "error ..."
//   session                          -> "session <key> <info JSON>" | "session none"
//   restore <key>                    -> "restored" | "error <type> ..."
//   closesession                     -> "closed" | "error ..."
//   close                            -> "bye" (and exits)
// Pushed by the server: "signal-in <text>", "session-created <key>", "session-closed", "disconnected".
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	webwire "github.com/qbeon/webwire-go"
	wwrclt "github.com/qbeon/webwire-go/client"
)

var outLock sync.Mutex

func say(format string, args ...interface{}) {
	outLock.Lock()
	defer outLock.Unlock()
	fmt.Printf(format+"\n", args...)
}

type impl struct{}

func (impl) OnDisconnected() { say("disconnected") }
func (impl) OnSignal(p webwire.Payload) {
	say("signal-in %s %s", encName(p.Encoding), text(p))
}
func (impl) OnSessionCreated(s *webwire.Session) { say("session-created %s", s.Key) }
func (impl) OnSessionClosed()                    { say("session-closed") }

func encName(e webwire.PayloadEncoding) string {
	switch e {
	case webwire.EncodingUtf8:
		return "utf8"
	case webwire.EncodingUtf16:
		return "utf16"
	}
	return "binary"
}

func encoding(name string) webwire.PayloadEncoding {
	switch name {
	case "utf8":
		return webwire.EncodingUtf8
	case "utf16":
		return webwire.EncodingUtf16
	}
	return webwire.EncodingBinary
}

func payload(enc string, token string) webwire.Payload {
	if token == "-" {
		token = ""
	}
	e := encoding(enc)
	if e == webwire.EncodingUtf16 {
		units := utf16.Encode([]rune(token))
		b := make([]byte, 2*len(units))
		for i, u := range units {
			b[2*i] = byte(u)
			b[2*i+1] = byte(u >> 8)
		}
		return webwire.Payload{Encoding: e, Data: b}
	}
	return webwire.Payload{Encoding: e, Data: []byte(token)}
}

// text shows a payload: UTF-16 decoded, anything else as its bytes; "-" when empty.
func text(p webwire.Payload) string {
	if len(p.Data) == 0 {
		return "-"
	}
	if p.Encoding == webwire.EncodingUtf16 {
		units := make([]uint16, len(p.Data)/2)
		for i := range units {
			units[i] = uint16(p.Data[2*i]) | uint16(p.Data[2*i+1])<<8
		}
		return string(utf16.Decode(units))
	}
	return string(p.Data)
}

func describe(err error) string {
	switch e := err.(type) {
	case webwire.ReqErr:
		return fmt.Sprintf("ReqErr %s %s", e.Code, e.Message)
	case webwire.ReqInternalErr:
		return "ReqInternalErr"
	case webwire.ReqSrvShutdownErr:
		return "ReqSrvShutdownErr"
	case webwire.SessNotFoundErr:
		return "SessNotFoundErr"
	case webwire.MaxSessConnsReachedErr:
		return "MaxSessConnsReachedErr"
	case webwire.SessionsDisabledErr:
		return "SessionsDisabledErr"
	case webwire.ReqTimeoutErr:
		return "ReqTimeoutErr"
	case webwire.ConnIncompErr:
		return "ConnIncompErr " + e.Error()
	}
	return fmt.Sprintf("%T %s", err, err)
}

func arg(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func main() {
	var clt *wwrclt.Client
	quiet := log.New(ioutil.Discard, "", 0)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "connect":
			clt = wwrclt.NewClient(f[1], impl{}, wwrclt.Options{
				Autoconnect:           webwire.Disabled,
				DefaultRequestTimeout: 10 * time.Second,
				WarnLog:               quiet,
				ErrorLog:              quiet,
			})
			if err := clt.Connect(); err != nil {
				say("error %s", describe(err))
			} else {
				say("connected")
			}
		case "request":
			reply, err := clt.Request(arg(f[1]), payload(f[2], f[3]))
			if err != nil {
				say("error %s", describe(err))
			} else {
				// rc1's client does not tell a reply's encoding: shown in the request's
				say("reply %s", text(webwire.Payload{Encoding: encoding(f[2]), Data: reply.Data}))
			}
		case "signal":
			if err := clt.Signal(arg(f[1]), payload(f[2], f[3])); err != nil {
				say("error %s", describe(err))
			} else {
				say("sent")
			}
		case "session":
			s := clt.Session()
			if s == nil {
				say("session none")
			} else {
				info := map[string]interface{}{}
				if s.Info != nil {
					for _, name := range s.Info.Fields() {
						info[name] = s.Info.Value(name)
					}
				}
				j, _ := json.Marshal(info)
				say("session %s %s", s.Key, j)
			}
		case "restore":
			if err := clt.RestoreSession([]byte(f[1])); err != nil {
				say("error %s", describe(err))
			} else {
				say("restored")
			}
		case "closesession":
			if err := clt.CloseSession(); err != nil {
				say("error %s", describe(err))
			} else {
				say("closed")
			}
		case "close":
			if clt != nil {
				clt.Close()
			}
			say("bye")
			return
		default:
			say("error unknown command %s", f[0])
		}
	}
}
