using System.Collections.Concurrent;
using System.Security.Cryptography;
using ZkmlProver.Commitments;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Transcript;
using static ZkmlProver.Proving.CommitmentWellFormedness;

namespace ZkmlProver.Proving;

/// <summary>The model owner's half of <see cref="CommitmentWellFormedness"/>: proves the committed
/// weight tables well formed (the verifier's half and the chunking both use stay in ZkmlProver.Proving).</summary>
public static class CommitmentWellFormednessProving
{
    extension(CommitmentWellFormedness)
    {
        /// <param name="cheating">Soundness tests only: prove even when a weight is out of range or a
        /// padded entry is not 0 (the verifier must then reject).</param>
        internal static byte[] Prove(Circuit.Circuit circuit, IReadOnlyDictionary<string, long[]> tables, ModelCommitment commitment,
            IReadOnlyDictionary<string, HyraxOpening> openings, Random? rng, bool cheating = false, int maxChunkVars = DefaultMaxChunkVars)
        {
            var transcript = Start(circuit, commitment);
            var s = new ProverSession(transcript, rng) { Cheating = cheating };
            var layouts = WeightLayouts.For(circuit);
            var names = layouts.Keys.Order(StringComparer.Ordinal).ToArray();
            s.Writer.WriteCount(names.Length); // never empty, even for a circuit without weights
            s.Writer.WriteUInt32((uint)maxChunkVars);
            s.Transcript.AppendUInt64("max chunk vars", (ulong)maxChunkVars);
            foreach (var name in names)
            {
                // One tensor at a time, one chunk at a time: commit every slot's bits, tie, then
                // booleanity and openings; the tables of one slot are dropped before the next.
                var layout = layouts[name];
                var weight = new CommittedTensor(name, commitment.Tensors[name], openings[name], tables[name]);
                var ch = Chunking.For(circuit, name, layout, maxChunkVars);
                int rest = layout.NumVars - layout.Vars[0];
                var slotTables = new long[ch.Slots.Length][];
                var committed = new CommittedTensor[ch.Slots.Length];
                for (int i = 0; i < ch.Slots.Length; i++)
                {
                    if (ch.Slots[i] is not { } b) continue;
                    var slot = ch.SlotTable(tables[name], i, rest);
                    // The slot table in the bits tensor's x order: rows of the chunk layout first (they
                    // are the low row variables), the zero-extension rows after: the same flat order.
                    var table = b.BuildTable(Compact(slot, b, ch.RowVars, rest, cheating), b.Layout.ValidMask(), $"weight '{name}'",
                        $"the weight does not fit its declared {circuit.Tensor(name).Bits}-bit range", cheating);
                    if (cheating) Overlay(table, slot, b, rest);
                    var c = HyraxCommitment.Commit(table, new HyraxShape(b.NumVars), out var opening, rng);
                    c.Write(s.Writer);
                    c.AppendTo(s.Transcript, b.Name);
                    committed[i] = new CommittedTensor(b.Name, c, opening, table);
                    slotTables[i] = table;
                }
                var r = s.Challenges($"tie/{name}", layout.NumVars);
                var (rTop, rSlot) = (r[..ch.TopVars], r[ch.TopVars..]);
                var eqTop = Mle.EqTable(rTop);
                Point sum = Point.Identity;
                Fr value = Fr.Zero, blind = Fr.Zero;
                for (int i = 0; i < ch.Slots.Length; i++)
                {
                    if (ch.Slots[i] is not { } b) continue; // an empty slot contributes its (proven) 0
                    var y = s.CommitValue($"tie/{name}#{i}", rSlot, Mle.Evaluate(ch.SlotTable(tables[name], i, rest), rSlot));
                    committed[i].AddWeightedClaim(b.XPoint(rSlot), b.FullWeights(), y);
                    sum += eqTop[i] * y.Commitment; value += eqTop[i] * y.Value; blind += eqTop[i] * y.Blind;
                }
                weight.AddPointClaim(new EvalClaim(r, sum, value, blind));
                for (int i = 0; i < ch.Slots.Length; i++)
                    if (ch.Slots[i] is { } b) { b.ProveBooleanity(s, slotTables[i], committed[i], cheating); slotTables[i] = null!; }
                weight.ProveOpenings(s);
                for (int i = 0; i < ch.Slots.Length; i++) if (ch.Slots[i] is not null) committed[i].ProveOpenings(s);
            }
            return s.Writer.ToArray();
        }

        /// <summary>The slot's padded values in the chunk layout's own padded order (the slot has
        /// 2^RowVars rows; the chunk layout pads its valid rows to 2^Vars[0] ≤ 2^RowVars, and the
        /// zero-extension variables above them select the remaining rows).</summary>
        private static long[] Compact(long[] slot, BitsTensor b, int rowVars, int rest, bool cheating)
        {
            // Flat index in the slot: row·2^rest + col, row = ext·2^v′ + low; in the bits tensor's x
            // space: ext·2^(v′+rest) + low·2^rest + col — the same number. So the slot table is already
            // in x order; BuildTable reads its first 2^(layout vars) entries as the layout's entries and
            // the rest belong to the zero-extension rows.
            return slot.AsSpan(0, b.Layout.PaddedSize).ToArray();
        }

        /// <summary>Cheating model owner only: decomposes the zero-extension rows of the slot too (an
        /// honest slot has only zeros there), so that the committed bits recompose to the committed
        /// weights everywhere and only booleanity/padding can object.</summary>
        private static void Overlay(long[] bitsTable, long[] slot, BitsTensor b, int rest)
        {
            int width = 1 << b.BitVars;
            for (int x = b.Layout.PaddedSize; x < slot.Length; x++)
            {
                long z = slot[x];
                if (z == 0) continue;
                long low = z & ((1L << (b.Width - 1)) - 1);
                for (int j = 0; j < b.Width - 1; j++) bitsTable[(long)x * width + j] = (low >> j) & 1;
                bitsTable[(long)x * width + b.Width - 1] = -((z - low) >> (b.Width - 1));
            }
        }
    }
}
