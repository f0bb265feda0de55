//! The generated surfaces are what `make generate` writes from the core's model descriptions and the table of error
//! classes: a checked-in region that differs fails here (run `make generate`).

#[test]
fn generated_regions_are_up_to_date() {
    let root = meetergo_bind::generate::root();
    for region in meetergo_bind::generate::regions() {
        let text = std::fs::read_to_string(root.join(region.file)).expect("file");
        let updated = meetergo_bind::generate::apply(&text, &region).expect("markers");
        assert!(
            updated == text,
            "{} <generated:{}> is out of date: run `make generate`",
            region.file,
            region.name
        );
    }
}

#[test]
fn every_payload_field_is_in_the_typescript_and_python_surfaces() {
    let root = meetergo_bind::generate::root();
    let dts = std::fs::read_to_string(root.join("node/index.d.ts")).expect("d.ts");
    let pyi = std::fs::read_to_string(root.join("python/meetergo/_native.pyi")).expect("pyi");
    for model in meetergo_core::PAYLOAD_MODELS {
        for field in model.fields {
            assert!(
                dts.contains(&format!("  {}: ", field.wire)),
                "{}.{}",
                model.name,
                field.wire
            );
            assert!(
                pyi.contains(&format!("def {}(self)", field.name)),
                "{}.{}",
                model.name,
                field.name
            );
        }
    }
}
