using System.Reflection;
using System.Reflection.Emit;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>The types and members a type's code refers to, read from the IL of its methods and of the types nested in it
/// (where the compiler puts lambdas, closures and state machines).</summary>
/// <remarks>Why IL and not a list: the kernel guard must find a new SIMD or threaded type by what it does, without anyone
/// remembering to mark it. Only operands that name a member (calls, field loads, type tokens) are resolved; the walk
/// follows the opcode table, so it never mistakes an integer operand for a token.</remarks>
public static class IlReferences
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic |
                                          BindingFlags.Static | BindingFlags.Instance;

    private static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static IlReferences()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            if (op.Size == 1) OneByte[op.Value & 0xFF] = op;
            else TwoByte[op.Value & 0xFF] = op;
        }
    }

    /// <summary>Every member referred to by the code of <paramref name="type"/> and its nested types.</summary>
    public static IEnumerable<MemberInfo> Of(Type type)
    {
        foreach (var t in WithNested(type))
            foreach (var method in t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)))
                foreach (var member in Of(method))
                    yield return member;
    }

    /// <summary>The types whose members <paramref name="type"/>'s code uses (a member's declaring type, or a type token itself).</summary>
    public static IEnumerable<Type> TypesUsedBy(Type type) =>
        Of(type).Select(m => m as Type ?? m.DeclaringType).OfType<Type>().Distinct();

    private static IEnumerable<Type> WithNested(Type type) =>
        new[] { type }.Concat(type.GetNestedTypes(Declared).SelectMany(WithNested));

    private static IEnumerable<MemberInfo> Of(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            var op = il[at] == 0xFE ? TwoByte[il[at + 1]] : OneByte[il[at]];
            at += op.Size;
            int operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok
                && Resolve(method.Module, BitConverter.ToInt32(il, at), typeArguments, methodArguments) is { } member)
                yield return member;
            at += operand;
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try { return module.ResolveMember(token, typeArguments, methodArguments); }
        // A member of an assembly this process cannot load is no kernel of ours.
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or TypeLoadException or BadImageFormatException) { return null; }
    }
}
