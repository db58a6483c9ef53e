//! `[[senders]]`: the numbers messages are sent from, and their limits.

use super::Ids;
use crate::load::spec;
use crate::load::{Reader, Tbl};
use crate::scenario::bounds::MAX_NUMBERS;
use crate::scenario::limits::{NumberLimit, number_limit};
use crate::scenario::model::{Class, Country, NumberType, Unit, UseCase};
use crate::scenario::rate::Rate;
use crate::scenario::time::SimDuration;
use crate::scenario::{Brand, Limit, Sender, SenderLimit};
use std::collections::BTreeSet;
use toml::de::DeValue;

impl Reader<'_> {
    pub(super) fn senders(&mut self, root: &Tbl, brands: &[Brand]) -> Vec<Sender> {
        let mut out: Vec<Sender> = Vec::new();
        let mut taken = BTreeSet::new();
        let brand_ids = Ids::new(brands.iter().map(|b| b.id.as_str()));
        for (i, v) in self.tables(root, "senders").into_iter().enumerate() {
            let Some((t, id)) = self.named_table(v, "senders", i, "id", &spec::SENDERS.names(), &taken) else {
                continue;
            };
            if t.get("type").is_none() {
                self.missing(&t, "type", "\"long_code\", \"toll_free\" or \"short_code\"");
            }
            let number_type = self.choice(&t, "type", &NumberType::ALL, NumberType::name);
            let country = self.country(&t);
            // A wrong type or country is one error: the rules that follow from them are not checked.
            let known = number_type.is_some() && (country.is_some() || t.get("country").is_none());
            let (number_type, country) = (number_type.unwrap_or(NumberType::LongCode), country.unwrap_or(Country::US));
            let is_10dlc = country == Country::US && number_type == NumberType::LongCode;
            let brand = if known {
                self.sender_brand(&t, &brand_ids, is_10dlc)
            } else {
                self.reference(&t, "brand", "brands", &brand_ids)
            };
            let numbers = self.int(&t, "numbers", 1..=MAX_NUMBERS as u64).unwrap_or(1) as u32;
            // A sole proprietor registers one number, across its senders.
            let sole = brand.filter(|&b| is_10dlc && brands[b].use_case == UseCase::SoleProprietor);
            if let Some(b) = sole {
                let before: u32 = out.iter().filter(|s| s.brand == Some(b)).map(|s| s.numbers).sum();
                if before + numbers > 1 {
                    let span = t.get("numbers").map_or(t.span.clone(), |v| v.span());
                    let why = format!(
                        "`{}`: brand `{}` is a sole proprietor, which registers one number; its senders have {} with this one",
                        t.path("numbers"),
                        brands[b].id,
                        before + numbers
                    );
                    self.error(span, why);
                }
            }
            if is_10dlc && numbers > 49 {
                let span = t.get("numbers").map_or(t.span.clone(), |v| v.span());
                self.warn(span, format!("`{}`: {numbers} numbers on one 10DLC campaign: more than 49 need a T-Mobile Number Pool Request", t.path("numbers")));
            }
            let verified = self.bool(&t, "verified").unwrap_or(true);
            if let (Some(v), false) = (t.get("verified"), number_type == NumberType::TollFree) {
                self.warn(
                    v.span(),
                    format!("`{}`: verification applies to toll-free numbers only; ignored", t.path("verified")),
                );
            }
            let (limits, unrated) = if known {
                self.sender_limits(&t, country, number_type)
            } else {
                ([SenderLimit::Refused; 2], [false; 2])
            };
            taken.insert(id.clone());
            out.push(Sender { id, number_type, country, brand, numbers, verified, limits, unrated });
        }
        out
    }

    /// The brand a sender names (`brand`): needed by a 10DLC number, ignored
    /// with a warning by any other.
    fn sender_brand(&mut self, t: &Tbl, brand_ids: &Ids, is_10dlc: bool) -> Option<usize> {
        let brand = self.reference(t, "brand", "brands", brand_ids);
        if is_10dlc && t.get("brand").is_none() {
            self.missing(
                t,
                "brand",
                "a US long code (10DLC) sends under a registered brand: the id of a [[brands]] table",
            );
        }
        if !is_10dlc && let Some(v) = t.get("brand") {
            self.warn(
                v.span(),
                format!(
                    "`{}`: brand limits (TPM, T-Mobile's daily cap) apply to US long codes only; ignored here",
                    t.path("brand")
                ),
            );
        }
        brand
    }

    /// A sender's `country`: an ISO 3166-1 alpha-2 code.
    fn country(&mut self, t: &Tbl) -> Option<Country> {
        let code = self.string(t, "country")?;
        let found = Country::from_name(code);
        if found.is_none() {
            let hint = if code == "UK" { "; the United Kingdom is \"GB\"" } else { "" };
            let why = format!(
                "expected an ISO 3166-1 alpha-2 country code such as \"US\", \"CA\" or \"GB\", found \"{code}\"{hint}"
            );
            self.invalid(t, "country", t.get("country").expect("read"), why);
        }
        found
    }

    /// A sender's limit for each class: its number type's default, or its
    /// `sms_rate` / `mms_rate`, and refused for a class it may not send;
    /// and the classes left without a rate (outside the US and Canada).
    fn sender_limits(&mut self, t: &Tbl, country: Country, number_type: NumberType) -> ([SenderLimit; 2], [bool; 2]) {
        let allowed = self.classes(t);
        let (shape, burst, unit) = self.limit_style(t, "unit", Unit::Messages);
        let mut limits = [SenderLimit::Refused; 2];
        let mut unrated = [false; 2];
        for class in Class::ALL {
            let key = if class == Class::Sms { "sms_rate" } else { "mms_rate" };
            let table = number_limit(country, number_type, class);
            let mut limit = SenderLimit::from_table(table, shape, burst, unit);
            if table == NumberLimit::Unknown {
                match t.get(key) {
                    Some(_) => limit = SenderLimit::PerNumber(Limit { rate: Rate::per_second(1), shape, burst, unit }),
                    None if class == Class::Sms && allowed[class.index()] => self.missing(
                        t,
                        key,
                        &format!("a per-number rate such as \"10/s\": the source gives limits for US and Canadian numbers only, not {country}"),
                    ),
                    None => unrated[class.index()] = allowed[class.index()],
                }
            }
            if let Some(v) = t.get(key) {
                let bare = SimDuration::from_secs(1);
                match (&mut limit, self.rate(t, key, bare)) {
                    (SenderLimit::PerNumber(l) | SenderLimit::PerCarrier(l), Some(r)) => l.rate = r,
                    (SenderLimit::BrandTpm, _) => self.invalid(
                        t,
                        key,
                        v,
                        "a 10DLC number has no SMS limit of its own: set `tpm` on its brand".into(),
                    ),
                    (SenderLimit::Refused, _) => self.invalid(
                        t,
                        key,
                        v,
                        format!("{} cannot be sent from a {} {}", class.name().to_uppercase(), country, number_type),
                    ),
                    _ => {}
                }
            }
            if !allowed[class.index()] {
                limit = SenderLimit::Refused;
            }
            limits[class.index()] = limit;
        }
        (limits, unrated)
    }

    /// Which classes a sender may send (`classes = ["sms"]`); default both.
    fn classes(&mut self, t: &Tbl) -> [bool; 2] {
        let Some(v) = t.get("classes") else {
            return [true; 2];
        };
        let mut allowed = [false; 2];
        match v.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    match item.get_ref().as_str().and_then(Class::from_name) {
                        Some(c) => allowed[c.index()] = true,
                        None => {
                            self.error(item.span(), format!("`{}`: expected \"sms\" or \"mms\"", t.path("classes")))
                        }
                    }
                }
            }
            _ => self.wrong(t, "classes", v, "an array such as [\"sms\", \"mms\"]"),
        }
        allowed
    }
}
