//! Checks of the `flows:` entries and the firewall's DNAT rules, run with the other
//! reference checks while the topology resolves: every name must stand for something of
//! the block, ports must be ports. Each problem points at the offending value.

use super::endpoint;
use crate::diag::ToolCode;
use crate::topology::addr::Addr;
use crate::topology::model::{FlowProtocol, items};
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::{Net, Problem};

/// Append the problems of `flows:` and `firewall.nat_rules` to `out`.
pub(crate) fn check(net: &Net, out: &mut Vec<Problem>) {
    let t = net.topo();
    for (i, f) in items(&t.flows).enumerate() {
        let p = Loc::from(Node::Flow(i));
        if i == super::MAX_FLOWS {
            out.push(Problem {
                code: ToolCode::InputLimit,
                message: format!("only the first {} flows of a block are evaluated", super::MAX_FLOWS),
                help: Some("split the flows over several blocks".into()),
                span: f.span.clone(),
                loc: p,
            });
            break;
        }
        let mut missing = |field: &str, help: &str| {
            out.push(Problem {
                code: ToolCode::InvalidValue,
                message: format!("flow without `{field}`"),
                help: Some(help.into()),
                span: f.span.clone(),
                loc: p.clone(),
            });
        };
        if f.from.is_none() {
            missing("from", "say where the traffic starts: `from: snet-training`");
        }
        if f.to.is_none() {
            missing("to", "say where the traffic goes: `to: stmlcontoso`");
        }
        let protocol = f.protocol.as_ref().map(|p| p.value).unwrap_or(FlowProtocol::Tcp);
        match (&f.port, protocol) {
            (None, FlowProtocol::Tcp | FlowProtocol::Udp) => missing(
                "port",
                &format!("give the destination port: `port: 443` (a {protocol} flow needs one)"),
            ),
            (Some(port), FlowProtocol::Icmp) => out.push(Problem {
                code: ToolCode::InvalidValue,
                message: "an `icmp` flow has no port".into(),
                help: Some("remove `port`".into()),
                span: port.span.clone(),
                loc: p.clone().field("port"),
            }),
            (Some(port), _) if super::port_of(&port.value).is_none() => out.push(Problem {
                code: ToolCode::InvalidValue,
                message: "`port` is not a port or a port range".into(),
                help: Some("write a port from 0 to 65535 (`443`) or a range (`\"8000-8010\"`)".into()),
                span: port.span.clone(),
                loc: p.clone().field("port"),
            }),
            _ => {}
        }
        if let Some(from) = &f.from {
            let r = endpoint::parse(net, &from.value).and_then(|e| endpoint::check_source(&e, &from.value));
            if let Err(e) = r {
                out.push(Problem {
                    code: e.code,
                    message: e.message,
                    help: e.help,
                    span: from.span.clone(),
                    loc: p.clone().field("from"),
                });
            }
        }
        if let Some(to) = &f.to
            && let Err(e) = endpoint::parse(net, &to.value)
        {
            out.push(Problem {
                code: e.code,
                message: e.message,
                help: e.help,
                span: to.span.clone(),
                loc: p.clone().field("to"),
            });
        }
        if let Some(via) = &f.via
            && let Err(e) = endpoint::parse_via(net, &via.value)
        {
            out.push(Problem {
                code: e.code,
                message: e.message,
                help: e.help,
                span: via.span.clone(),
                loc: p.clone().field("via"),
            });
        }
    }
    let Some(fw) = &t.firewall else { return };
    if let Some(ip) = &fw.public_ip
        && !matches!(Addr::parse(&ip.value), Ok(Addr::Net(_)))
    {
        out.push(Problem {
            code: ToolCode::InvalidValue,
            message: format!("`{}` is not an IP address", ip.value),
            help: Some("write the firewall's public address, e.g. `20.51.0.4`".into()),
            span: ip.span.clone(),
            loc: Node::Firewall.field("public_ip"),
        });
    }
    for (i, r) in items(&fw.nat_rules).enumerate() {
        let p = Loc::from(Node::FirewallNatRule(i));
        match &r.translated_address {
            None => out.push(Problem {
                code: ToolCode::InvalidValue,
                message: "DNAT rule without `translated_address`".into(),
                help: Some("name the private address the traffic is sent to".into()),
                span: r.span.clone(),
                loc: p.clone(),
            }),
            Some(a) if !matches!(Addr::parse(&a.value), Ok(Addr::Net(_))) => out.push(Problem {
                code: ToolCode::InvalidValue,
                message: format!("`{}` is not an IP address", a.value),
                help: Some("write a private address, e.g. `10.0.4.200`".into()),
                span: a.span.clone(),
                loc: p.clone().field("translated_address"),
            }),
            _ => {}
        }
        for (field, port) in [("port", &r.port), ("translated_port", &r.translated_port)] {
            if let Some(port) = port
                && super::port_of(&port.value).is_none()
            {
                out.push(Problem {
                    code: ToolCode::InvalidValue,
                    message: format!("`{field}` is not a port"),
                    help: Some("write a port from 0 to 65535".into()),
                    span: port.span.clone(),
                    loc: p.clone().field(field),
                });
            }
        }
    }
}
