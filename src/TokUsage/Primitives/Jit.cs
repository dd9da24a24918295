using System.Runtime.CompilerServices;

namespace TokUsage.Primitives
{
    /// <summary>
    /// JIT hints for the hot paths. A Get-TokenUsage run is short and its loops are hot from the first file, but .NET's
    /// tiered compilation first runs every method unoptimized (tier 0, then instrumented for PGO) and only later swaps in
    /// optimized code — measured on the bench corpus that tripled a cold run's CPU time. Methods marked
    /// <see cref="Optimized"/> (<c>MethodImplOptions.AggressiveOptimization</c>, which netstandard2.0 does not name) are
    /// compiled fully optimized on first call. .NET Framework ignores the flag.
    /// </summary>
    internal static class Jit
    {
        public const MethodImplOptions Optimized = (MethodImplOptions)512;

        /// <summary>For tiny helpers of optimized loops: inlined into them (a tier-0 callee would stay unoptimized all run).</summary>
        public const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;
    }
}
