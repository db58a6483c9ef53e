//! Default limits of US and Canadian A2P messaging, from the provider's public messaging FAQ.

use crate::scenario::model::{Class, Country, NumberType, UseCase};
use crate::scenario::rate::Rate;

/// 10DLC brand throughput per minute, per carrier, by use case and vetting score.
pub(crate) fn brand_tpm(use_case: UseCase, vetting_score: u8) -> u64 {
    match (use_case, vetting_score) {
        (UseCase::LowVolume, _) => 75,
        // AT&T's published figure for sole proprietors (after the source document).
        (UseCase::SoleProprietor, _) => 15,
        (UseCase::Standard, 75..) => 4_500,
        (UseCase::Standard, 50..=74) => 2_400,
        // 1–49, and 0 for brands that skipped secondary vetting.
        (UseCase::Standard, _) => 240,
    }
}

/// T-Mobile's daily cap per brand, SMS and MMS together, by vetting score.
/// Score 0 has no published figure: *assumption*, the lowest band. A sole
/// proprietor has T-Mobile's published 1,000 a day (after the source document).
pub(crate) fn tmobile_tpd(use_case: UseCase, vetting_score: u8) -> u64 {
    match (use_case, vetting_score) {
        (UseCase::SoleProprietor, _) => 1_000,
        (_, 75..) => 200_000,
        (_, 50..=74) => 40_000,
        (_, 25..=49) => 10_000,
        _ => 2_000,
    }
}

/// The account's default rate for a class: SMS 5/s, MMS 0.25/s.
pub(crate) fn account_rate(class: Class) -> Rate {
    match class {
        Class::Sms => Rate::per_second(5),
        Class::Mms => Rate::new(1, 4, crate::scenario::time::SimDuration::from_secs(1)).expect("0.25/s"),
    }
}

/// The limit a single sender number has for one class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberLimit {
    /// One limit for the number, all carriers together.
    PerNumber(Rate),
    /// One limit per (number, carrier): 10DLC MMS.
    PerCarrier(Rate),
    /// No limit of the number's own: 10DLC SMS is limited by the brand's TPM.
    BrandTpm,
    /// The class cannot be sent from this kind of number.
    Unsupported,
    /// The source gives no limit (a country besides the US and Canada):
    /// the scenario must.
    Unknown,
}

/// The per-number limit by country, number type and class.
pub(crate) fn number_limit(country: Country, number_type: NumberType, class: Class) -> NumberLimit {
    use NumberLimit::*;
    let (us, ca) = (country == Country::US, country == Country::CA);
    match (number_type, class) {
        _ if !us && !ca => Unknown,
        (NumberType::LongCode, Class::Sms) if us => BrandTpm,
        (NumberType::LongCode, Class::Mms) if us => PerCarrier(Rate::per_minute(50)),
        (NumberType::TollFree, Class::Sms) => PerNumber(Rate::per_second(25)),
        (NumberType::TollFree, Class::Mms) => PerNumber(Rate::per_second(2)),
        (NumberType::ShortCode, _) if us => PerNumber(Rate::per_second(100)),
        (NumberType::LongCode, _) => PerNumber(Rate::per_minute(15)),
        (NumberType::ShortCode, Class::Sms) => PerNumber(Rate::per_second(10)),
        (NumberType::ShortCode, Class::Mms) => Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tpm_bands() {
        assert_eq!(brand_tpm(UseCase::Standard, 80), 4_500);
        assert_eq!(brand_tpm(UseCase::Standard, 75), 4_500);
        assert_eq!(brand_tpm(UseCase::Standard, 74), 2_400);
        assert_eq!(brand_tpm(UseCase::Standard, 50), 2_400);
        assert_eq!(brand_tpm(UseCase::Standard, 49), 240);
        assert_eq!(brand_tpm(UseCase::Standard, 1), 240);
        assert_eq!(brand_tpm(UseCase::Standard, 0), 240);
        assert_eq!(brand_tpm(UseCase::LowVolume, 100), 75);
        assert_eq!(brand_tpm(UseCase::LowVolume, 1), 75);
        assert_eq!(brand_tpm(UseCase::SoleProprietor, 100), 15);
    }

    #[test]
    fn tpd_bands() {
        let standard = |score| tmobile_tpd(UseCase::Standard, score);
        assert_eq!(standard(100), 200_000);
        assert_eq!(standard(75), 200_000);
        assert_eq!(standard(62), 40_000);
        assert_eq!(standard(25), 10_000);
        assert_eq!(standard(24), 2_000);
        assert_eq!(standard(0), 2_000);
        assert_eq!(tmobile_tpd(UseCase::LowVolume, 80), 200_000);
        assert_eq!(tmobile_tpd(UseCase::SoleProprietor, 80), 1_000);
    }

    #[test]
    fn number_table() {
        use NumberLimit::*;
        assert_eq!(number_limit(Country::CA, NumberType::LongCode, Class::Mms), PerNumber(Rate::per_minute(15)));
        assert_eq!(number_limit(Country::CA, NumberType::TollFree, Class::Mms), PerNumber(Rate::per_second(2)));
        assert_eq!(number_limit(Country::CA, NumberType::ShortCode, Class::Mms), Unsupported);
        assert_eq!(number_limit(Country::US, NumberType::ShortCode, Class::Mms), PerNumber(Rate::per_second(100)));
        assert_eq!(number_limit(Country::US, NumberType::LongCode, Class::Mms), PerCarrier(Rate::per_minute(50)));
        let gb = Country::from_name("GB").unwrap();
        assert_eq!(number_limit(gb, NumberType::TollFree, Class::Sms), Unknown);
    }
}
