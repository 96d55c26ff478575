//! The expression language, evaluated through small templates.

use std::sync::Arc;

use super::eval::{Env, Eval};
use super::value::Val;
use super::{json, scope};
use crate::topology::import::ImportProblem;

const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// The value of variable `v` in a template with `params` and `vars` (JSON members), and the
/// problems met, with the template text.
fn run(params: &str, vars: &str, name: &str) -> (Val, Vec<ImportProblem>, String) {
    let text = format!(
        "{{\"$schema\": \"{SCHEMA}\", \"parameters\": {{{params}}}, \"variables\": {{{vars}}}, \"resources\": []}}"
    );
    let (j, _) = json::parse(&text, 0).unwrap();
    let ev = Eval::new();
    let s = scope::root(&ev, &j, None);
    let v = ev.variable(s, name);
    let _ = Env::default();
    (v, ev.into_problems(), text)
}

fn eval(expr: &str) -> Val {
    let (v, p, _) = run("", &format!("\"v\": {}", serde_json::to_string(expr).unwrap()), "v");
    if !v.is_unknown() {
        assert!(p.is_empty(), "{expr}: {p:?}");
    }
    v
}

fn s(expr: &str) -> String {
    match eval(expr) {
        Val::Str(s) => s,
        other => panic!("{expr} gave {other:?}"),
    }
}

fn b(expr: &str) -> bool {
    eval(expr).as_bool().unwrap_or_else(|| panic!("{expr} is not a boolean"))
}

fn json_of(expr: &str) -> String {
    eval(expr).to_json().unwrap_or_else(|| panic!("{expr} is unknown")).to_string()
}

#[test]
fn strings() {
    assert_eq!(s("[concat('a', 'b', 1)]"), "ab1");
    assert_eq!(s("[format('{0}-{1}-{{x}}', 'nsg', 2)]"), "nsg-2-{x}");
    assert_eq!(s("[toLower('MiXed')]"), "mixed");
    assert_eq!(s("[toUpper('MiXed')]"), "MIXED");
    assert_eq!(s("[replace('a-b-c', '-', '')]"), "abc");
    assert_eq!(json_of("[split('a/b,c', createArray('/', ','))]"), r#"["a","b","c"]"#);
    assert_eq!(s("[substring('abcdef', 1, 3)]"), "bcd");
    assert_eq!(s("[trim('  x ')]"), "x");
    assert_eq!(s("[padLeft('7', 3, '0')]"), "007");
    assert_eq!(s("[string(true())]"), "True");
    assert_eq!(s("[string(createObject('a', 1))]"), r#"{"a":1}"#);
    assert_eq!(s("[first('xyz')]"), "x");
    assert_eq!(s("[last('xyz')]"), "z");
    assert_eq!(s("[[not an expression]"), "[not an expression]");
    assert_eq!(s("plain"), "plain");
    assert_eq!(s("[join(createArray('a', 'b'), ',')]"), "a,b");
    assert!(b("[startsWith('Storage.eastus', 'storage')]"));
    assert!(b("[endsWith('abc', 'BC')]"));
    assert_eq!(eval("[indexOf('abcabc', 'c')]"), Val::Int(2));
    assert_eq!(eval("[lastIndexOf('abcabc', 'c')]"), Val::Int(5));
    assert_eq!(eval("[length('héllo')]"), Val::Int(5));
}

#[test]
fn logic() {
    assert_eq!(s("[if(equals(1, 1), 'yes', 'no')]"), "yes");
    // Only the branch taken is evaluated: the other may not be evaluable at all.
    assert_eq!(s("[if(false(), listKeys('x', '2020-01-01'), 'safe')]"), "safe");
    assert!(b("[not(equals('a', 'b'))]"));
    assert!(b("[and(true(), true(), not(false()))]"));
    assert!(!b("[and(true(), false(), listKeys('x', 'y'))]"));
    assert!(b("[or(false(), true(), listKeys('x', 'y'))]"));
    assert_eq!(s("[coalesce(null(), 'b')]"), "b");
    assert!(
        b("[empty('')]")
            && b("[empty(createArray())]")
            && b("[empty(createObject())]")
            && b("[empty(null())]")
    );
    assert!(
        b("[contains('abc', 'b')]")
            && b("[contains(createArray(1, 2), 2)]")
            && b("[contains(createObject('Key', 1), 'key')]")
    );
    assert!(b("[bool('TRUE')]") && !b("[bool(0)]"));
    assert!(b("[less(1, 2)]") && b("[greaterOrEquals('b', 'a')]"));
    assert!(b("[equals(createObject('a', createArray(1)), createObject('A', createArray(1)))]"));
}

#[test]
fn arrays_objects_and_numbers() {
    assert_eq!(json_of("[createArray(1, 'a', true())]"), r#"[1,"a",true]"#);
    assert_eq!(
        json_of(
            "[union(createObject('a', 1, 'n', createObject('x', 1)), createObject('b', 2, 'n', createObject('y', 2)))]"
        ),
        r#"{"a":1,"b":2,"n":{"x":1,"y":2}}"#
    );
    assert_eq!(json_of("[union(createArray(1, 2), createArray(2, 3))]"), "[1,2,3]");
    assert_eq!(json_of("[intersection(createArray(1, 2, 3), createArray(3, 1))]"), "[1,3]");
    assert_eq!(json_of("[take(createArray(1, 2, 3), 2)]"), "[1,2]");
    assert_eq!(json_of("[skip(createArray(1, 2, 3), 2)]"), "[3]");
    assert_eq!(json_of("[range(5, 3)]"), "[5,6,7]");
    assert_eq!(json_of("[json('{\"a\": [1, null]}')]"), r#"{"a":[1,null]}"#);
    assert_eq!(
        json_of("[items(createObject('b', 2, 'a', 1))]"),
        r#"[{"key":"a","value":1},{"key":"b","value":2}]"#
    );
    assert_eq!(json_of("[array('x')]"), r#"["x"]"#);
    assert_eq!(eval("[tryGet(createObject('a', 1), 'b')]"), Val::Null);
    assert_eq!(eval("[first(createArray(7, 8))]"), Val::Int(7));
    assert_eq!(eval("[last(createArray(7, 8))]"), Val::Int(8));
    assert_eq!(eval("[length(createArray(7, 8))]"), Val::Int(2));
    assert_eq!(eval("[int('42')]"), Val::Int(42));
    assert_eq!(eval("[add(mul(3, 4), sub(10, div(9, 3)))]"), Val::Int(19));
    assert_eq!(eval("[mod(7, 3)]"), Val::Int(1));
    assert_eq!(eval("[max(createArray(3, 9, 1))]"), Val::Int(9));
    assert_eq!(eval("[min(3, 9, 1)]"), Val::Int(1));
    assert_eq!(eval("[createObject('a', 1).a]"), Val::Int(1));
    assert_eq!(eval("[createArray(1, 2)[1]]"), Val::Int(2));
    assert!(eval("[div(1, 0)]").is_unknown());
}

#[test]
fn resource_ids_and_stand_ins() {
    assert_eq!(
        s("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')]"),
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet"
    );
    assert_eq!(
        s("[resourceId('rg-hub', 'Microsoft.Network/virtualNetworks', 'hub')]"),
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub"
    );
    assert_eq!(
        s("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')]"),
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/r"
    );
    assert!(eval("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'only-one')]").is_unknown());
    let u = s("[uniqueString(resourceGroup().id)]");
    assert_eq!(u.len(), 13);
    assert!(u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    assert_eq!(u, s("[uniqueString(resourceGroup().id)]"));
    assert_ne!(u, s("[uniqueString(resourceGroup().id, 'x')]"));
    let g = s("[guid('a', 'b')]");
    assert_eq!(g.split('-').map(str::len).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
    assert_eq!(s("[environment().suffixes.storage]"), "core.windows.net");
    assert_eq!(s("[toLower(environment().name)]"), "azurecloud");
    assert_eq!(s("[subscription().subscriptionId]"), "00000000-0000-0000-0000-000000000000");
}

#[test]
fn unknowns_are_noted_where_they_arise() {
    let expr = "[concat('Storage.', resourceGroup().location)]";
    let (v, problems, text) = run("", &format!("\"v\": \"{expr}\""), "v");
    assert!(v.is_unknown());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert_eq!(p.code.as_str(), "cannot-evaluate");
    assert_eq!(&text[p.span.clone()], "resourceGroup().location");
    assert!(p.message.contains("known only at deployment"), "{}", p.message);

    // Everything computed from an unknown is unknown, without a second note.
    let (v, problems, _) =
        run("", "\"a\": \"[resourceGroup().location]\", \"v\": \"[toUpper(variables('a'))]\"", "v");
    assert!(v.is_unknown());
    assert_eq!(problems.len(), 1);

    for (expr, says) in [
        ("[listKeys('st', '2023-01-01').keys[0].value]", "answered by Azure at deployment"),
        ("[frobnicate(1)]", "does not evaluate the function `frobnicate`"),
        ("[my.fn(1)]", "user-defined function `my.fn`"),
        ("[copyIndex()]", "outside a `copy` loop"),
        ("[variables('nope')]", "no variable `nope`"),
        ("[parameters('nope')]", "no parameter `nope`"),
        ("[createObject('a', 1).b]", "no property `b`"),
        ("[substring('abc', 2, 5)]", "past the end"),
        ("[reference('st-missing').primaryEndpoints]", "not declared in this template"),
        ("[deployment().name]", "known only at deployment"),
        ("[format('{0:N0}', 1000)]", "specifier"),
    ] {
        let (v, problems, _) = run("", &format!("\"v\": {}", serde_json::to_string(expr).unwrap()), "v");
        assert!(v.is_unknown(), "{expr}");
        assert!(problems.iter().any(|p| p.message.contains(says)), "{expr}: {problems:?}");
    }
}

#[test]
fn parameters_defaults_missing_values_and_cycles() {
    let (v, p, _) = run(
        "\"a\": {\"type\": \"string\", \"defaultValue\": \"[concat('x', 'y')]\"}",
        "\"v\": \"[parameters('A')]\"",
        "v",
    );
    assert_eq!((v, p.len()), (Val::Str("xy".into()), 0));
    let (v, p, text) =
        run("\"prefix\": {\"type\": \"string\"}", "\"v\": \"[concat(parameters('prefix'), '-1')]\"", "v");
    assert!(v.is_unknown());
    assert_eq!(p.len(), 1);
    assert_eq!(&text[p[0].span.clone()], "\"prefix\"");
    assert!(p[0].message.contains("has no value"), "{}", p[0].message);
    let (v, p, _) =
        run("", "\"a\": \"[variables('b')]\", \"b\": \"[variables('a')]\", \"v\": \"[variables('a')]\"", "v");
    assert!(v.is_unknown());
    assert!(p.iter().any(|p| p.message.contains("refers to itself")), "{p:?}");
}

#[test]
fn variable_loops() {
    let vars =
        "\"copy\": [{\"name\": \"v\", \"count\": 3, \"input\": \"[format('snet-{0}', copyIndex('v', 1))]\"}]";
    let (v, p, _) = run("", vars, "v");
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(v.to_json().unwrap().to_string(), r#"["snet-1","snet-2","snet-3"]"#);
    let vars = "\"copy\": [{\"name\": \"v\", \"count\": 900, \"input\": 1}]";
    let (v, p, _) = run("", vars, "v");
    assert!(v.is_unknown());
    assert!(p[0].message.contains("from 0 to 800"), "{p:?}");
}

#[test]
fn syntax_errors_in_expressions_are_located() {
    let (v, p, text) = run("", "\"v\": \"[concat('a',, 'b')]\"", "v");
    assert!(v.is_unknown());
    assert_eq!(p[0].code.as_str(), "arm-expression");
    assert_eq!(&text[p[0].span.clone()], ",");
}

#[test]
fn hostile_expressions_stay_cheap() {
    // Each variable doubles the previous one: 2^60 bytes if nothing stopped it.
    let mut vars = vec!["\"v0\": \"ab\"".to_string()];
    for i in 1..60 {
        vars.push(format!("\"v{i}\": \"[concat(variables('v{}'), variables('v{}'))]\"", i - 1, i - 1));
    }
    let start = std::time::Instant::now();
    let (v, p, _) = run("", &vars.join(", "), "v59");
    assert!(v.is_unknown());
    assert!(p.iter().any(|p| p.message.contains("larger than")), "{p:?}");
    assert!(start.elapsed().as_secs() < 5);
    let deep = format!("[{}'x'{}]", "concat(".repeat(100), ")".repeat(100));
    let (v, p, _) = run("", &format!("\"v\": \"{deep}\""), "v");
    assert!(v.is_unknown());
    assert!(p[0].message.contains("deeper"), "{p:?}");
}

#[test]
fn import_reports_what_is_not_a_template() {
    let imp = super::import((Arc::from("a.json"), Arc::from("{\"a\": 1}")), None);
    assert_eq!(imp.problems[0].code.as_str(), "not-arm-template");
    assert!(imp.problems[0].message.contains("has no `$schema`"));
    let params = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\", \"parameters\": {}}";
    let imp = super::import((Arc::from("p.json"), Arc::from(params)), None);
    assert!(imp.problems[0].message.contains("is a parameters file"), "{:?}", imp.problems);
    let imp = super::import((Arc::from("a.json"), Arc::from("{\"a\": }")), None);
    assert_eq!(imp.problems[0].code.as_str(), "json-syntax");
}

#[test]
fn budgets_bound_loops_and_large_values() {
    // 800 deployments of 800 copies each would be 640,000 resources.
    let inner = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{"type": "Microsoft.Network/routeTables", "name": "[format('rt-{0}', copyIndex())]",
                       "copy": {"name": "r", "count": 800}, "properties": {}}]}"#;
    let text = format!(
        r#"{{"$schema": "{SCHEMA}", "variables": {{"big": "[range(0, 10000)]"}}, "resources": [
            {{"type": "Microsoft.Network/routeTables", "name": "[concat('rt', string(length(concat(variables('big'), variables('big'), variables('big')))))]", "properties": {{}}}},
            {{"type": "Microsoft.Resources/deployments", "name": "[format('d{{0}}', copyIndex())]", "copy": {{"name": "d", "count": 800}},
              "properties": {{"mode": "Incremental", "template": {inner}}}}}]}}"#
    );
    let start = std::time::Instant::now();
    let imp = super::import((Arc::from("big.json"), Arc::from(text)), None);
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    assert!(
        imp.problems.iter().any(|p| p.message.contains("more than 20000 resources")),
        "{:?}",
        imp.problems
    );
    // Every deployment declares the same 800 names: they are read once.
    let tables = imp.topology.route_tables.as_ref().map_or(0, |l| l.value.len());
    assert_eq!(tables, 801);
    assert!(imp.problems.len() < 10, "{:?}", imp.problems);
}
