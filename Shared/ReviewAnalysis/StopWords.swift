/// Stop-word lists for the word count.
public enum StopWords {
    /// Common English function words: articles, pronouns, auxiliaries, prepositions, conjunctions, and their
    /// contractions in the form the ``Tokenizer`` produces (`"don't"`, `"i'm"`; a trailing `'s` is already dropped).
    ///
    /// Negations ("not", "no", "nor", "never") are in the list because the word count is about topics; the sentiment
    /// model's vectorizer keeps them, since they carry the sentiment.
    public static let english: Set<String> = [
        "a", "about", "above", "across", "after", "afterwards", "again", "against", "all", "almost", "alone", "along",
        "already", "also", "although", "always", "am", "among", "amongst", "an", "and", "another", "any", "anyhow",
        "anyone", "anything", "anyway", "anywhere", "are", "around", "as", "at", "be", "became", "because", "become",
        "becomes", "becoming", "been", "before", "beforehand", "behind", "being", "below", "beside", "besides",
        "between", "beyond", "both", "but", "by", "can", "cannot", "could", "did", "do", "does", "doing", "done",
        "down", "during", "each", "either", "else", "elsewhere", "enough", "etc", "even", "ever", "every", "everyone",
        "everything", "everywhere", "except", "few", "for", "former", "formerly", "from", "further", "had", "has",
        "have", "having", "he", "hence", "her", "here", "hereafter", "hereby", "herein", "hers", "herself", "him",
        "himself", "his", "how", "however", "i", "ie", "if", "in", "indeed", "into", "is", "it", "its", "itself",
        "just", "latter", "latterly", "least", "less", "many", "may", "me", "meanwhile", "might", "mine", "more",
        "moreover", "most", "mostly", "much", "must", "my", "myself", "namely", "neither", "never", "nevertheless",
        "next", "no", "nobody", "none", "noone", "nor", "not", "nothing", "now", "nowhere", "of", "off", "often", "on",
        "once", "one", "only", "onto", "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out", "over",
        "own", "per", "perhaps", "rather", "same", "seem", "seemed", "seeming", "seems", "several", "she", "should",
        "since", "so", "some", "somehow", "someone", "something", "sometime", "sometimes", "somewhere", "still",
        "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "thence", "there",
        "thereafter", "thereby", "therefore", "therein", "thereupon", "these", "they", "this", "those", "though",
        "through", "throughout", "thru", "thus", "to", "together", "too", "toward", "towards", "under", "until", "up",
        "upon", "us", "very", "via", "was", "we", "were", "what", "whatever", "when", "whence", "whenever", "where",
        "whereafter", "whereas", "whereby", "wherein", "whereupon", "wherever", "whether", "which", "while",
        "whither", "who", "whoever", "whole", "whom", "whose", "why", "will", "with", "within", "without", "would",
        "yet", "you", "your", "yours", "yourself", "yourselves",
        // Contractions, as tokenized.
        "ain't", "aren't", "can't", "couldn't", "didn't", "doesn't", "don't", "hadn't", "hasn't", "haven't", "he'd",
        "he'll", "i'd", "i'll", "i'm", "i've", "isn't", "mustn't", "needn't", "shan't", "she'd", "she'll",
        "shouldn't", "they'd", "they'll", "they're", "they've", "wasn't", "we'd", "we'll", "we're", "we've",
        "weren't", "won't", "wouldn't", "you'd", "you'll", "you're", "you've",
    ]
}
