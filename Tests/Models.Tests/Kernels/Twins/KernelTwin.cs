namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>One line of <see cref="KernelTwins"/>: a fast kernel of Models/Kernels and what guards it.</summary>
/// <param name="Kernel">The type <see cref="KernelScan"/> finds.</param>
/// <param name="Twin">Its plain twin (a *Reference type, or the kernel itself where the twin methods sit beside the fast
/// ones); null for a part or a policy.</param>
/// <param name="Owner">For a part: the kernel whose entry points run it, and whose sweep therefore covers it.</param>
/// <param name="Tests">The test classes written for it (each must exist and hold tests; a twin's must use both it and its twin).</param>
/// <param name="Sweep">Its cases for <see cref="TwinSweep"/>: every adversarial shape of its family at every width on one
/// thread and two.</param>
/// <param name="Note">Why a policy has no twin.</param>
public sealed record KernelTwin(Type Kernel, Type? Twin, Type? Owner, Type[] Tests, Func<IEnumerable<TwinCase>>? Sweep, string? Note)
{
    public string Name => Kernel.Name;

    /// <summary>A kernel with a plain twin, its twin tests and its sweep.</summary>
    public static KernelTwin Of(Type kernel, Type twin, Type[] tests, Func<IEnumerable<TwinCase>> sweep) => new(kernel, twin, null, tests, sweep, null);

    /// <summary>A piece of <paramref name="owner"/> (its micro-kernel, packing, planes): no entry point of its own, so it is
    /// checked through the owner's sweep and the tests named.</summary>
    public static KernelTwin PartOf(Type owner, Type part, params Type[] tests) => new(part, null, owner, tests, null, null);

    /// <summary>A policy the kernels consult (which width, how many threads), which computes nothing a twin could give.</summary>
    public static KernelTwin Policy(Type kernel, string why, params Type[] tests) => new(kernel, null, null, tests, null, why);

    public override string ToString() => Name;
}
