//! What an export writes besides its sheets: the file, sealed with age to its recipients or
//! not, and its entry in the export log (`gridbook_model::ExportRecord`: who, when, what, how
//! many rows, which residents, encrypted to whom), which syncs to the office and shows in
//! `gridbook audit`.

use std::path::Path;

use anyhow::Result;
use gridbook_model::doc_id::DocId;
use gridbook_model::scope::Scope;
use gridbook_model::summary::NeedSummary;
use gridbook_model::{ExportRecord, Gridbook};
use gridbook_sync::seal;

use crate::error::{Doing as _, Step};

/// Logs `record` (its device and time filled in by the model), encrypted to `encrypt_to`.
pub(crate) fn log(
    book: &mut Gridbook,
    record: ExportRecord,
    encrypt_to: &[String],
    out: &Path,
) -> Result<()> {
    book.log_export(ExportRecord {
        encrypted_to: encrypt_to.iter().map(|r| r.trim().to_string()).collect(),
        ..record
    })
    .doing(Step::LogExport(out.to_path_buf()))?;
    Ok(())
}

/// The age recipients `given` names, each checked before anything is written.
pub(crate) fn recipients(given: &[String]) -> Result<Vec<seal::Recipient>> {
    given
        .iter()
        .map(|r| seal::recipient(r).map_err(anyhow::Error::from))
        .collect()
}

/// Writes `plain` to `out`, sealed to `recipients` when there are any; says how it was sealed.
pub(crate) fn save(out: &Path, plain: &[u8], recipients: &[seal::Recipient]) -> Result<String> {
    let (bytes, said) = if recipients.is_empty() {
        (plain.to_vec(), String::new())
    } else {
        let mut sealed = Vec::with_capacity(plain.len() + 1024);
        seal::seal_into(&mut sealed, plain, recipients)?;
        let said = format!(
            " (encrypted to {} recipient{}, {} bytes)",
            recipients.len(),
            if recipients.len() == 1 { "" } else { "s" },
            sealed.len()
        );
        (sealed, said)
    };
    std::fs::write(out, &bytes).doing(Step::Write(out.to_path_buf()))?;
    Ok(said)
}

/// The filters of an export, in words, for the log.
pub(crate) fn describe(scope: &Scope) -> String {
    let mut parts = Vec::new();
    if let Some(f) = scope.from {
        parts.push(format!("from {f}"));
    }
    if let Some(t) = scope.to {
        parts.push(format!("to {t}"));
    }
    if let Some(c) = &scope.community {
        parts.push(format!("community {c}"));
    }
    if let Some(g) = &scope.grid {
        parts.push(format!("grid {g}"));
    }
    if parts.is_empty() {
        "everything".into()
    } else {
        parts.join(", ")
    }
}

/// The residents (ids) the needs `needs` were recorded for.
pub(crate) fn residents_of(book: &mut Gridbook, needs: &[NeedSummary]) -> Result<Vec<String>> {
    let mut by_doc: std::collections::BTreeMap<&str, Vec<_>> = Default::default();
    for n in needs {
        by_doc.entry(n.doc.as_str()).or_default().push(n.id.clone());
    }
    let mut residents = std::collections::BTreeSet::new();
    for (doc, ids) in by_doc {
        let doc: DocId = doc.parse()?;
        residents.extend(book.residents_of_needs(&doc, &ids)?);
    }
    Ok(residents.into_iter().collect())
}

/// How many records a document holds, and the residents (ids) among them, for the export log:
/// needs and their residents in a needs document, the register in the directory.
pub(crate) fn records_in(book: &mut Gridbook, doc_id: &DocId) -> Result<(usize, Vec<String>)> {
    Ok(match doc_id {
        DocId::Directory => {
            let residents: Vec<String> = book.residents()?.into_keys().collect();
            (residents.len(), residents)
        }
        DocId::Needs { .. } => {
            let needs: Vec<NeedSummary> = book
                .need_summaries()?
                .into_iter()
                .filter(|n| n.doc == doc_id.to_string())
                .collect();
            (needs.len(), residents_of(book, &needs)?)
        }
        _ => (0, Vec::new()),
    })
}
