"""Realistic curator mistakes: each a small text edit of a shipped file (old -> new, the first
occurrence, or every one where the mistake is made in both layers) and the rule whose finding it must produce (a substring of a finding's shape or
component). Written from the kinds of mistake curators make (issue 13), not from the shapes:
misspelt terms, the right predicate at the wrong kind of thing, a claim whose kind, certainty or
source contradicts its own words, a copied quote, a number that disagrees with its quote, an
entity that contradicts itself, an IRI that left the project's namespaces."""

from typing import NamedTuple


class Mistake(NamedTuple):
    name: str
    file: str  # under data/
    old: str
    new: str
    expect: str  # in a finding's shape or component
    everywhere: bool = False  # replace every occurrence (both layers), not only the first
    more: tuple = ()  # further (file, old, new) edits of the same mistake, applied after it, in order


STARTING_DOSE = "claim:baclofen-starting-dose a medkg:DosageClaim ;"

MISTAKES = [
    # A misspelt term: the graph would silently gain a new one.
    Mistake("predicate misspelt", "drug.ttl", 'rdfs:label "baclofen"@en', 'rdfs:lable "baclofen"@en', "ClosedVocabulary"),
    Mistake("direct-layer predicate in lower case", "claims/classification.ttl",
            "kg:baclofen schema:drugClass kg:muscle-relaxant .", "kg:baclofen schema:drugclass kg:muscle-relaxant .",
            "ClosedVocabulary"),
    Mistake("class misspelt", "conditions.ttl", "a schema:MedicalCondition", "a schema:MedicalConditon", "ClosedVocabulary"),
    Mistake("qualifier misspelt", "claims/uses.ttl", "medkg:statedScope", "medkg:statedscope", "ClosedVocabulary"),
    Mistake("certainty property misspelt", "claims/uses.ttl", "medkg:certainty medkg:certainty-established",
            "medkg:certanty medkg:certainty-established", "ClosedVocabulary"),
    Mistake("evidence property misspelt", "claims/risks.ttl", "medkg:evidenceType", "medkg:evidencetype", "ClosedVocabulary"),
    Mistake("mapping property misspelt", "conditions.ttl", "skos:exactMatch", "skos:exactmatch", "ClosedVocabulary"),
    Mistake("schema:url capitalised", "sources.ttl", "schema:url", "schema:URL", "ClosedVocabulary"),
    Mistake("schema:about capitalised", "curator-notes.ttl", "schema:about", "schema:About", "ClosedVocabulary"),
    Mistake("claim kind misspelt", "claims/uses.ttl", "a medkg:StatedUseClaim", "a medkg:StatedUseclaim", "ClosedVocabulary"),
    Mistake("quote text property misspelt", "claims/risks.ttl", "oa:exact", "oa:exacts", "ClosedVocabulary"),
    Mistake("provenance property misspelt", "claims/study.ttl", "prov:wasDerivedFrom", "prov:wasDerivedfrom", "ClosedVocabulary"),
    Mistake("alternative label misspelt", "conditions.ttl", "skos:altLabel", "skos:altlabel", "ClosedVocabulary"),
    Mistake("drug class type misspelt", "drug.ttl", "kg:anticonvulsant a schema:DrugClass", "kg:anticonvulsant a schema:Drugclass",
            "ClosedVocabulary"),
    Mistake("selector class misspelt", "claims/forms-and-dosage.ttl", "a oa:TextPositionSelector", "a oa:TextPositionSelecter",
            "ClosedVocabulary"),
    Mistake("language tag typo", "drug.ttl", '"baclofen"@en', '"baclofen"@em', "ClosedVocabulary"),
    Mistake("three-letter language tag", "conditions.ttl", '"alcoholism"@en', '"alcoholism"@eng', "ClosedVocabulary"),
    Mistake("language region tag", "claims/risks.ttl", 'rdf:object "moderately safe"@en ;', 'rdf:object "moderately safe"@en-us ;', "ClosedVocabulary"),
    Mistake("language tag of another language", "substances.ttl", '"tranquilizers"@en', '"tranquilizers"@fr', "ClosedVocabulary"),
    Mistake("schema prefix rebound to http", "substances.ttl", "@prefix schema: <https://schema.org/> .",
            "@prefix schema: <http://schema.org/> .", "ClosedVocabulary"),
    Mistake("kg prefix rebound", "substances.ttl", "@prefix kg: <https://w3id.org/medkg/id/> .",
            "@prefix kg: <https://w3id.org/medkg/ids/> .", "ProjectNamespace"),
    Mistake("claim prefix rebound to the entity namespace", "claims/study.ttl", "@prefix claim: <https://w3id.org/medkg/claim/> .",
            "@prefix claim: <https://w3id.org/medkg/claims/> .", "ProjectNamespace"),

    # The right predicate pointing at the wrong kind of thing.
    Mistake("interaction with a condition, both layers", "claims/risks.ttl", "kg:ethanol", "kg:epilepsy", "InteractionClaimShape",
            everywhere=True),
    Mistake("interaction's second layer too", "claims/risks.ttl", "rdf:object kg:cns-depressants", "rdf:object kg:spasticity",
            "InteractionClaimShape"),
    Mistake("'not an opioid' at a condition", "claims/classification.ttl", "rdf:object kg:opioid", "rdf:object kg:epilepsy",
            "NegativeClaimShape"),
    Mistake("historical use at a drug class, both layers", "claims/uses.ttl",
            "kg:baclofen medkg:historicallyUsedFor kg:epilepsy .\n\nclaim:baclofen-historically-for-epilepsy a medkg:HistoricalUseClaim ;\n"
            '    rdfs:label "epilepsy was one of the original uses of baclofen"@en ;\n    rdf:subject kg:baclofen ;\n'
            "    rdf:predicate medkg:historicallyUsedFor ;\n    rdf:object kg:epilepsy ;",
            "kg:baclofen medkg:historicallyUsedFor kg:anticonvulsant .\n\nclaim:baclofen-historically-for-epilepsy a medkg:HistoricalUseClaim ;\n"
            '    rdfs:label "epilepsy was one of the original uses of baclofen"@en ;\n    rdf:subject kg:baclofen ;\n'
            "    rdf:predicate medkg:historicallyUsedFor ;\n    rdf:object kg:anticonvulsant ;",
            "HistoricalUseClaimShape-objectKind"),
    Mistake("interaction subject and object swapped, both layers", "claims/risks.ttl",
            'kg:baclofen schema:interactingDrug kg:ethanol .\n\nclaim:baclofen-interacts-with-alcohol a medkg:InteractionClaim ;\n'
            '    rdfs:label "mixing baclofen with alcohol is a danger"@en ;\n    rdf:subject kg:baclofen ;\n'
            '    rdf:predicate schema:interactingDrug ;\n    rdf:object kg:ethanol ;',
            'kg:ethanol schema:interactingDrug kg:baclofen .\n\nclaim:baclofen-interacts-with-alcohol a medkg:InteractionClaim ;\n'
            '    rdfs:label "mixing baclofen with alcohol is a danger"@en ;\n    rdf:subject kg:ethanol ;\n'
            '    rdf:predicate schema:interactingDrug ;\n    rdf:object kg:baclofen ;',
            "ClaimSubjectShape"),
    Mistake("risk claim about the risk", "claims/risks.ttl", "rdf:subject kg:baclofen ;\n    rdf:predicate biolink:has_adverse_event",
            "rdf:subject kg:euphoria ;\n    rdf:predicate biolink:has_adverse_event", "ClaimSubjectShape"),
    Mistake("dosage claim about the dose", "claims/forms-and-dosage.ttl", "rdf:subject kg:baclofen ;\n    rdf:predicate schema:doseSchedule",
            "rdf:subject kg:dose-starting-5mg-tid ;\n    rdf:predicate schema:doseSchedule", "ClaimSubjectShape"),

    # A claim whose kind, certainty or credited source contradicts its own quote.
    Mistake("off-label quote on a labelled-use claim", "claims/uses.ttl",
            "claim:baclofen-off-label-for-addiction a medkg:OffLabelUseClaim", "claim:baclofen-off-label-for-addiction a medkg:LabelledUseClaim",
            "CueShape-offLabel"),
    Mistake("off-label quote on a stated-use claim", "claims/uses.ttl",
            "claim:baclofen-off-label-for-addiction a medkg:OffLabelUseClaim", "claim:baclofen-off-label-for-addiction a medkg:StatedUseClaim",
            "CueShape-offLabel"),
    Mistake("early promise stated as established", "claims/uses.ttl", "medkg:certainty medkg:certainty-preliminary",
            "medkg:certainty medkg:certainty-established", "CueShape-hedge"),
    Mistake("inconclusive stated as established", "claims/uses.ttl", "medkg:certainty medkg:certainty-inconclusive",
            "medkg:certainty medkg:certainty-established", "CueShape-hedge"),
    Mistake("a report stated as established", "claims/risks.ttl", "medkg:certainty medkg:certainty-reported ;\n    medkg:evidenceBasis medkg:evidence-us-label ;\n    medkg:evidenceSource note:euphoria-not-dose-linked",
            "medkg:certainty medkg:certainty-established ;\n    medkg:evidenceBasis medkg:evidence-us-label ;\n    medkg:evidenceSource note:euphoria-not-dose-linked",
            "CueShape-hedge"),
    Mistake("a possibility stated as established", "claims/risks.ttl", "medkg:certainty medkg:certainty-qualified",
            "medkg:certainty medkg:certainty-established", "CueShape-hedge"),
    Mistake("'according to MedicineNet' without a credited source", "claims/forms-and-dosage.ttl",
            "    medkg:creditedSource kg:medicinenet ;\n", "", "CueShape-accordingTo"),
    Mistake("a source dropped from a claim the article credits", "claims/forms-and-dosage.ttl",
            "    medkg:creditedSource kg:webmd ;\n", "", "CueShape-traceableWithoutSource"),
    Mistake("credited source with the no-source evidence type", "claims/forms-and-dosage.ttl",
            "medkg:evidenceType obo:ECO_0000304", "medkg:evidenceType obo:ECO_0000303", "CueShape-creditedEvidence"),
    Mistake("a source credited on an uncredited claim", "claims/risks.ttl",
            "    medkg:quote quote:baclofen-moderately-safe ;", "    medkg:creditedSource kg:webmd ;\n    medkg:quote quote:baclofen-moderately-safe ;",
            "CueShape-creditedEvidence"),

    # A claim pointing at another claim's quote (a copy-paste slip).
    Mistake("spasticity claim quotes the pain claim's quote", "claims/uses.ttl", "medkg:quote quote:baclofen-stated-for-spasticity ;",
            "medkg:quote quote:baclofen-stated-for-pain ;", "QuoteOwnerShape"),
    Mistake("addiction risk quotes another risk's quote", "claims/risks.ttl", "medkg:quote quote:baclofen-fairly-addictive ;",
            "medkg:quote quote:baclofen-possible-addiction ;", "QuoteOwnerShape"),
    Mistake("drug class claim quotes the mechanism", "claims/classification.ttl", "medkg:quote quote:baclofen-is-muscle-relaxant ;",
            "medkg:quote quote:baclofen-acts-on-cns ;", "QuoteOwnerShape"),
    Mistake("study claim quotes a neighbour", "claims/study.ttl", "medkg:quote quote:study-from-2003 ;",
            "medkg:quote quote:study-published-by-nih ;", "QuoteOwnerShape"),

    # A number that disagrees with its quote.
    Mistake("dose of 50 where the quote says 5", "claims/forms-and-dosage.ttl", "schema:doseValue 5.0 ;", "schema:doseValue 50.0 ;",
            "DoseNumberShape-value"),
    Mistake("dose of 0.5 where the quote says 5", "claims/forms-and-dosage.ttl", "schema:doseValue 5.0 ;", "schema:doseValue 0.5 ;",
            "DoseNumberShape-value"),
    Mistake("dose of 15 (three doses added up)", "claims/forms-and-dosage.ttl", "schema:doseValue 5.0 ;", "schema:doseValue 15.0 ;",
            "DoseNumberShape-value"),
    Mistake("twice daily for three times daily", "claims/forms-and-dosage.ttl", "medkg:timesPerDay 3 ;", "medkg:timesPerDay 2 ;",
            "DoseNumberShape-timesPerDay"),
    Mistake("once daily for three times daily", "claims/forms-and-dosage.ttl", "medkg:timesPerDay 3 ;", "medkg:timesPerDay 1 ;",
            "DoseNumberShape-timesPerDay"),

    # Contradictions between entities.
    Mistake("DrugBank identifier on a condition", "conditions.ttl", "kg:opioid-dependence a schema:MedicalCondition ;",
            "kg:opioid-dependence a schema:MedicalCondition ;\n    skos:closeMatch <https://go.drugbank.com/drugs/DB00181> ;",
            "EntityConsistencyShape-schemeForType"),
    Mistake("MONDO identifier on a substance", "substances.ttl", '"tranquilizers"@en ;',
            '"tranquilizers"@en ;\n    skos:closeMatch <http://purl.obolibrary.org/obo/MONDO_0005027> ;',
            "EntityConsistencyShape-schemeForType"),
    Mistake("mapped and marked unmapped", "drug.ttl", 'rdfs:label "anticonvulsant"@en ;',
            'rdfs:label "anticonvulsant"@en ;\n    skos:broadMatch <http://id.nlm.nih.gov/mesh/D000927> ;',
            "EntityConsistencyShape-mappedAndUnmapped"),
    Mistake("a substance also typed as a condition", "substances.ttl", "a schema:Substance", "a schema:Substance, schema:MedicalCondition",
            "EntityConsistencyShape-disjointTypes"),
    Mistake("a condition also typed as a drug class", "conditions.ttl", "kg:opioid-withdrawal a schema:MedicalCondition ;",
            "kg:opioid-withdrawal a schema:MedicalCondition, schema:DrugClass ;", "EntityConsistencyShape-disjointTypes"),
    Mistake("a second entity named by another's alternative label", "conditions.ttl", "kg:opioid-dependence a schema:MedicalCondition ;",
            'kg:ms a schema:MedicalCondition ; rdfs:label "MS"@en ; medkg:unmappedReason "added in a hurry"@en .\n\n'
            "kg:opioid-dependence a schema:MedicalCondition ;", "EntityConsistencyShape-labelIsAnothersAlternative"),
    Mistake("an alternative label that is another entity's label", "substances.ttl", 'skos:altLabel "ethanol"@en',
            'skos:altLabel "ethanol"@en, "opioid"@en', "EntityConsistencyShape-labelIsAnothersAlternative"),
    Mistake("a condition named by a drug's alternative label", "conditions.ttl", 'skos:altLabel "MS"@en',
            'skos:altLabel "MS"@en, "baclofen"@en', "EntityConsistencyShape-labelIsAnothersAlternative"),
    Mistake("an identifier scheme for substances on a condition", "conditions.ttl", "kg:opioid-withdrawal a schema:MedicalCondition ;",
            "kg:opioid-withdrawal a schema:MedicalCondition ;\n    skos:exactMatch <http://purl.obolibrary.org/obo/CHEBI_2972> ;",
            "EntityConsistencyShape-schemeForType"),
    Mistake("a drug typed as a condition as well", "drug.ttl", "kg:baclofen a schema:Drug", "kg:baclofen a schema:Drug, schema:MedicalCondition",
            "EntityConsistencyShape-disjointTypes"),
    Mistake("note prefix rebound", "curator-notes.ttl", "@prefix note: <https://w3id.org/medkg/note/> .",
            "@prefix note: <https://w3id.org/medkg/notes/> .", "ProjectNamespace"),

    # A sentence marked claim-free although claims quote it; the article text edited alone.
    Mistake("quoted sentence marked claim-free", "claim-free.ttl", 'sent:s01 medkg:claimFreeReason "The article\'s title."@en .',
            'sent:s01 medkg:claimFreeReason "The article\'s title."@en .\nsent:s03 medkg:claimFreeReason "Background."@en .',
            "ClaimFreeSentenceShape-notQuoted"),
    Mistake("article text edited without regenerating the graph's copy", "source/baclofen-article.txt",
            "muscle relaxant", "muscle-relaxing", "ArticleCopy"),

    # Identifiers against their registries' own rules (issue 24): a check digit, an exact length,
    # one relation per identifier, a mapping written from the identifier.
    Mistake("CAS number with two digits swapped", "drug.ttl", "cas:1134-47-0", "cas:1134-74-0", "MappingShape-casCheckDigit"),
    Mistake("CAS number with the last digit mistyped", "drug.ttl", "cas:1134-47-0", "cas:1134-47-9", "MappingShape-casCheckDigit"),
    Mistake("MeSH descriptor with a digit too many", "drug.ttl", "mesh:D001418", "<http://id.nlm.nih.gov/mesh/D0001418>",
            "MappingShape-wellFormed"),
    Mistake("exact and broad match to one MeSH descriptor", "drug.ttl", "skos:closeMatch obo:CHEBI_35482, mesh:D000701 .",
            "skos:closeMatch obo:CHEBI_35482, mesh:D000701 ;\n    skos:broadMatch mesh:D000701 .", "MappingShape-oneRelation"),
    Mistake("mapping written from the identifier", "substances.ttl", "skos:exactMatch obo:CHEBI_16236, mesh:D000431 .",
            "skos:exactMatch obo:CHEBI_16236 .\n\nmesh:D000431 skos:exactMatch kg:ethanol .", "MappingShape-direction"),

    # Terms: the project's namespace with http:, a datatype outside RDF's, a web address as a string.
    Mistake("entity prefix bound with http", "substances.ttl", "@prefix kg: <https://w3id.org/medkg/id/> .",
            "@prefix kg: <http://w3id.org/medkg/id/> .", "HttpNamespace"),
    Mistake("claim object spelt out with http", "claims/classification.ttl", "rdf:object kg:muscle-relaxant",
            "rdf:object <http://w3id.org/medkg/id/muscle-relaxant>", "HttpNamespace"),
    Mistake("year datatype misspelt in both layers", "claims/study.ttl", "xsd:gYear", "xsd:gyear", "UnknownDatatype", everywhere=True),
    Mistake("xsd prefix bound without its #", "claims/study.ttl", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema> .", "UnknownDatatype"),
    Mistake("article address as a string", "article.ttl",
            "schema:url <https://www.therecoveryvillage.com/baclofen-addiction/what-is-baclofen-used-for/> ;",
            'schema:url "https://www.therecoveryvillage.com/baclofen-addiction/what-is-baclofen-used-for/" ;',
            "WebAddressAsString"),
    Mistake("source address as a string without its scheme", "sources.ttl", "schema:url <https://www.webmd.com/> .",
            'schema:url "www.webmd.com" .', "WebAddressAsString"),

    # Closed kinds: a property the kind does not declare.
    Mistake("claim attributed like a note", "claims/uses.ttl", "medkg:quote quote:baclofen-stated-for-spasticity ;",
            "medkg:quote quote:baclofen-stated-for-spasticity ;\n    prov:wasAttributedTo kg:medkg-curators ;", "ClaimShape"),
    Mistake("curator remark on a claim", "claims/risks.ttl", "medkg:quote quote:baclofen-fairly-addictive ;",
            'medkg:quote quote:baclofen-fairly-addictive ;\n    rdfs:comment "Check against the label."@en ;', "ClaimShape"),
    Mistake("dose with the claim's population", "claims/forms-and-dosage.ttl", "medkg:timesPerDay 3 ;",
            'medkg:timesPerDay 3 ;\n    medkg:population "adults"@en ;', "DoseScheduleShape"),
    Mistake("note with a claim's certainty", "curator-notes.ttl", "medkg:describesStudy kg:assadi-2003 ;",
            "medkg:describesStudy kg:assadi-2003 ;\n    medkg:certainty medkg:certainty-established ;", "CuratorNoteShape"),
    Mistake("quote labelled", "claims/risks.ttl", "quote:baclofen-withdrawal-on-stopping a oa:SpecificResource ;",
            'quote:baclofen-withdrawal-on-stopping a oa:SpecificResource ;\n    rdfs:label "withdrawal quote"@en ;', "QuoteShape"),

    # No silent skips: a mark on no sentence, a quote with the space around it.
    Mistake("claim-free mark on a sentence number the article lacks", "claim-free.ttl", "sent:s33 medkg:claimFreeReason",
            "sent:s38 medkg:claimFreeReason", "ClaimFreeSentenceShape-isSentence"),
    Mistake("quote copied with the space after it", "claims/risks.ttl",
            'withdrawal when they stop" ;\n    oa:prefix "nd physical dependence. " ;\n    oa:suffix ". Baclofen comes in two " .',
            'withdrawal when they stop. " ;\n    oa:prefix "nd physical dependence. " ;\n    oa:suffix "Baclofen comes in two f" .',
            "TextQuoteSelectorShape-trimmed"),
    Mistake("graph's copy of the article edited by hand", "article-text.ttl", "muscle relaxant drug", "muscle-relaxant drug",
            "ArticleFullText"),

    # Units as data (issue 24): the unit against the quote's unit word, the dose's label, the route,
    # and a day's total against a dose taken several times a day.
    Mistake("starting dose in micrograms where the article says milligrams", "claims/forms-and-dosage.ttl",
            'schema:doseUnit "mg" ;', 'schema:doseUnit "ug" ;', "DoseUnitShape-quoteWord"),
    Mistake("micrograms written mcg, which is no UCUM code", "claims/forms-and-dosage.ttl",
            'schema:doseUnit "mg" ;', 'schema:doseUnit "mcg" ;', "Constraint-schema-doseValue-allowedUnits"),
    Mistake("milligrams written out", "claims/forms-and-dosage.ttl",
            'schema:doseUnit "mg" ;', 'schema:doseUnit "milligrams" ;', "Constraint-schema-doseValue-allowedUnits"),
    Mistake("a day's maximum entered as a per-dose amount", "curator-notes.ttl",
            'schema:doseUnit "mg/d" ;', 'schema:doseUnit "mg" ;', "DoseUnitShape-perDose"),
    Mistake("a dose taken three times a day given a per-day unit", "claims/forms-and-dosage.ttl",
            'schema:doseUnit "mg" ;', 'schema:doseUnit "mg/d" ;', "DoseUnitShape-perDay"),
    Mistake("a day's maximum counted as three doses a day", "curator-notes.ttl",
            'schema:frequency "per day"@en ;', 'schema:frequency "three times a day"@en ;', "DoseUnitShape-perDay"),
    Mistake("a dose taken three times daily recorded as a frequency per day", "claims/forms-and-dosage.ttl",
            'schema:frequency "three times daily"@en ;', 'schema:frequency "per day"@en ;', "DoseUnitShape-frequencyWords"),
    Mistake("a starting dose read as a day's total", "claims/forms-and-dosage.ttl",
            'schema:doseUnit "mg" ;\n    schema:frequency "three times daily"@en ;\n    medkg:timesPerDay 3 ;',
            'schema:doseUnit "mg/d" ;\n    schema:frequency "three times daily"@en ;', "DoseUnitShape-quotePeriod"),
    Mistake("the intrathecal dose given a number in milligrams", "claims/forms-and-dosage.ttl",
            'medkg:doseDescription "only tiny doses"@en ;',
            'medkg:doseDescription "only tiny doses"@en ;\n    schema:doseValue 50.0 ;\n    schema:doseUnit "mg" ;',
            "DoseUnitShape-route"),
    Mistake("the oral starting dose moved to the intrathecal route", "claims/forms-and-dosage.ttl",
            "medkg:doseRoute kg:oral-route .  # a curator completion", "medkg:doseRoute kg:intrathecal-route .  # a curator completion",
            "DoseUnitShape-route"),
    Mistake("the dose's label in micrograms", "claims/forms-and-dosage.ttl",
            '"starting dose: 5 mg three times daily"@en', '"starting dose: 5 mcg three times daily"@en', "DoseUnitShape-labelWord"),
    Mistake("a publication date with a precision the article does not give", "claims/study.ttl",
            '"2003"^^xsd:gYear', '"2003-01-01"^^xsd:date', "Constraint-schema-datePublished-datatype", everywhere=True),

    # What two nodes say of one thing (issue 24): a note against its node or claim, a claim's words
    # against its own quote, a claim minted with the entities.
    Mistake("completion's route contradicts the dose's", "curator-notes.ttl",
            "rdf:predicate medkg:doseRoute ;\n    rdf:object kg:oral-route ;",
            "rdf:predicate medkg:doseRoute ;\n    rdf:object kg:intrathecal-route ;", "NoteAgreementShape-nodeValue"),
    Mistake("a correction filed as a completion", "curator-notes.ttl",
            "note:study-population-opioid-dependence a medkg:Correction ;",
            "note:study-population-opioid-dependence a medkg:Completion ;", "NoteAgreementShape-claimObject"),
    Mistake("a correction without a statement filed as a completion", "curator-notes.ttl",
            "note:intrathecal-not-between-discs a medkg:Correction ;", "note:intrathecal-not-between-discs a medkg:Completion ;",
            "NoteAgreementShape-completionCorrects"),
    Mistake("MS correction filed as a completion", "curator-notes.ttl",
            "note:ms-is-not-a-skeletal-or-muscular-disorder a medkg:Correction ;",
            "note:ms-is-not-a-skeletal-or-muscular-disorder a medkg:Completion ;", "NoteAgreementShape-completionCorrects"),
    Mistake("a population copied from a sibling claim", "claims/uses.ttl",
            'medkg:population "epilepsy patients"@en', 'medkg:population "people addicted to opioids"@en',
            "OwnWordsShape-qualifier"),
    Mistake("two risk claims' quotes swapped", "claims/risks.ttl",
            "medkg:quote quote:baclofen-withdrawal-on-stopping ;", "medkg:quote quote:SWAP ;", "OwnWordsShape-qualifier",
            more=(("claims/risks.ttl", "medkg:quote quote:baclofen-possible-withdrawal ;",
                   "medkg:quote quote:baclofen-withdrawal-on-stopping ;"),
                  ("claims/risks.ttl", "medkg:quote quote:SWAP ;", "medkg:quote quote:baclofen-possible-withdrawal ;"))),
    Mistake("two addiction claims' quotes swapped", "claims/risks.ttl",
            "medkg:quote quote:baclofen-fairly-addictive ;", "medkg:quote quote:SWAP ;", "OwnWordsShape-swappedQuotes",
            more=(("claims/risks.ttl", "medkg:quote quote:baclofen-possible-addiction ;",
                   "medkg:quote quote:baclofen-fairly-addictive ;"),
                  ("claims/risks.ttl", "medkg:quote quote:SWAP ;", "medkg:quote quote:baclofen-possible-addiction ;"))),
    Mistake("a claim label copied from a sibling claim", "claims/risks.ttl",
            'rdfs:label "patients and doctors should be aware of the possibility of withdrawal from baclofen"@en',
            'rdfs:label "many people experience withdrawal when they stop baclofen"@en', "OwnWordsShape-siblingLabel"),
    Mistake("a claim minted in the entity namespace", "claims/classification.ttl",
            "claim:baclofen-is-muscle-relaxant", "kg:baclofen-is-muscle-relaxant", "ClaimNamespaceShape", everywhere=True),

    # What counts as "the label" (issue 24): an indication, on the US label; a study's evidence
    # code and context name a study the article describes.
    Mistake("label indication quoting the label's 'not indicated' sentence", "curator-notes.ttl",
            'medkg:labelText "spasticity resulting from multiple sclerosis, particularly for the relief of flexor spasms and concomitant pain, clonus and muscular rigidity"@en',
            'medkg:labelText "not indicated for skeletal muscle spasm resulting from rheumatic disorders"@en',
            "LabelAuthorityShape-notIndicated"),
    Mistake("indication derived from France's authorisation", "curator-notes.ttl",
            "prov:wasDerivedFrom kg:fda-label-baclofen-tablets ;", "prov:wasDerivedFrom kg:ansm-baclocur-2018 ;",
            "LabelAuthorityShape-usLabel"),
    Mistake("study evidence code on a claim the article states without a study", "claims/uses.ttl",
            "medkg:evidenceType obo:ECO_0000303", "medkg:evidenceType obo:ECO_0006017", "StudyEvidenceShape-studyCode"),
    Mistake("an ECO class the evidence scheme does not declare", "claims/risks.ttl",
            "medkg:evidenceType obo:ECO_0000303", "medkg:evidenceType obo:ECO_0000006", "Constraint-medkg-evidenceType-oneOf"),
    Mistake("a finding's study context is some other trial", "claims/study.ttl",
            "medkg:studyContext kg:assadi-2003 ;", "medkg:studyContext kg:other-trial ;", "StudyEvidenceShape-describedStudy",
            more=(("sources.ttl", "# Organisations.",
                   'kg:other-trial a schema:MedicalTrial, medkg:CitedSource ;\n    rdfs:label "another baclofen trial"@en ;\n'
                   '    medkg:unmappedReason "Added in a hurry."@en .\n\n# Organisations.'),)),

    # Property constraints declared once per property (issue 24), compiled to shapes.
    Mistake("a study context on an off-label use", "claims/uses.ttl",
            'medkg:population "people addicted to opioids"@en ;',
            'medkg:population "people addicted to opioids"@en ;\n    medkg:studyContext kg:assadi-2003 ;',
            "Constraint-allowedQualifiers"),
    Mistake("a stated severity on a drug class claim", "claims/classification.ttl",
            "medkg:quote quote:baclofen-is-muscle-relaxant ;",
            'medkg:quote quote:baclofen-is-muscle-relaxant ;\n    medkg:statedSeverity "muscle relaxant"@en ;', "Constraint-allowedQualifiers"),
    Mistake("thirty doses a day", "claims/forms-and-dosage.ttl", "medkg:timesPerDay 3 ;", "medkg:timesPerDay 30 ;",
            "Constraint-medkg-timesPerDay-maximum"),
    Mistake("what to avoid without the label's words", "curator-notes.ttl",
            '    medkg:labelText "hallucinations and seizures on abrupt withdrawal"@en ;\n', "",
            "Constraint-medkg-mustAvoid-requires"),
    Mistake("a label's publisher as a string", "sources.ttl", "dcterms:publisher kg:fda .",
            'dcterms:publisher "FDA" .', "Constraint-dcterms-publisher-valueType"),
    Mistake("a study's design without the study it describes", "curator-notes.ttl",
            "    medkg:describesStudy kg:assadi-2003 ;\n", "", "Constraint-medkg-designText-requires"),
    Mistake("an identifier mapped on a sentence", "claim-free.ttl", 'sent:s01 medkg:claimFreeReason "The article\'s title."@en .',
            'sent:s01 medkg:claimFreeReason "The article\'s title."@en ;\n    <http://www.w3.org/2004/02/skos/core#exactMatch> <https://pubmed.ncbi.nlm.nih.gov/14624703> .',
            "Constraint-skos-exactMatch-subjectType"),
    # issue 24, from a blind corpus: identifiers nobody checked, a scheme's two terms for one
    # entity, white space in a label, a label level against the label's words, a dose against its
    # label, and a note's statement against its predicate's kinds (the general rules they missed).
    Mistake("an identifier one digit off", "drug.ttl", "skos:closeMatch obo:NCIT_C42998 ;", "skos:closeMatch obo:NCIT_C42997 ;",
            "MappingShape-checked"),
    Mistake("a scheme's second term as an exact match", "conditions.ttl", "skos:exactMatch obo:MONDO_0007079 ;",
            "skos:exactMatch obo:MONDO_0007079, obo:MONDO_0002046 ;", "MappingShape-oneExactPerScheme"),
    Mistake("a label ending in a space", "conditions.ttl", 'rdfs:label "pain"@en', 'rdfs:label "pain "@en', "label-whitespace"),
    Mistake("an unhedged label indication graded as possible", "claims/uses.ttl",
            "medkg:evidenceBasis medkg:evidence-us-label ;\n    medkg:evidenceSource note:label-indication-intrathecal ;",
            "medkg:evidenceBasis medkg:evidence-us-label-possible ;\n    medkg:evidenceSource note:label-indication-intrathecal ;",
            "EvidenceShape-labelWording"),
    Mistake("a maximum dose's value not its label's", "curator-notes.ttl", "schema:doseValue 80.0 ;", "schema:doseValue 60.0 ;",
            "DoseScheduleShape-valueInLabel"),
    Mistake("a correction's statement backwards", "curator-notes.ttl",
            "    rdf:subject kg:assadi-2003 ;\n    rdf:predicate schema:healthCondition ;\n    rdf:object kg:opioid-dependence ;",
            "    rdf:subject kg:opioid-dependence ;\n    rdf:predicate schema:healthCondition ;\n    rdf:object kg:assadi-2003 ;",
            "NoteStatementShape"),
    Mistake("the article's title misspelt", "article.ttl", 'dcterms:title "What is Baclofen Used For?"@en ;',
            'dcterms:title "What is Baclophen Used For?"@en ;', "SourceArticleShape-titleInText"),
    Mistake("a use's condition copied from its sibling, its evidence left", "claims/uses.ttl",
            "    medkg:conditionContext kg:multiple-sclerosis ;\n    medkg:certainty medkg:certainty-qualified ;\n    medkg:evidenceBasis medkg:evidence-us-label ;",
            "    medkg:conditionContext kg:spinal-cord-injury ;\n    medkg:certainty medkg:certainty-qualified ;\n    medkg:evidenceBasis medkg:evidence-us-label ;",
            "StatementShape-twice"),
]
