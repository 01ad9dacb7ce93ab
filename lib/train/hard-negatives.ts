/**
 * Hard "wrong" captions for the matching-aware discriminator. A caption of a random other class usually differs
 * in colour or kind ("a flat green deciduous tree" against "a yellow grinning face"), so D can tell a mismatch by
 * colour alone, and G learns colour alone: after 24,000 steps the emoji model drew a tree as a green square and the
 * flag of Japan as red and green stripes. Captions of the classes nearest in meaning ("evergreen tree",
 * "seedling", "four leaf clover"; "flag: South Korea") differ in shape, so D must look at shape, and so must G.
 * `train.hardWrong` is the share of wrong captions drawn from this many nearest classes (nearestClassRecords in
 * lib/data).
 */
export const HARD_WRONG_NEIGHBOURS = 16;
