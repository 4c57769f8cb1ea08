# Completes a command line in a real interactive zsh, driven through a pseudo-terminal (zsh/zpty), with the
# completion function in a given file, and prints the candidates zsh offers between BEGINHITS and ENDHITS.
#   zsh -f zsh-complete.zsh 'rolegate validate -o ' /path/to/dir/_rolegate
# compadd is wrapped to print what it adds: that is what zsh would list under the cursor.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1=''; fpath=($2:h \$fpath); autoload -U compinit; compinit -u -D"
# The markers are split in the command so that zsh's echo of this line does not look like output.
zpty -w z "compadd () { builtin compadd -O __hits \"\$@\"; print -rl -- 'BEGIN''HITS' \$__hits 'END''HITS' ; }"
zpty -w -n z "$1"$'\t'
out=''
integer i=0
while (( i++ < 200 )); do
  if zpty -r -t z chunk; then out+=$chunk; else sleep 0.05; fi
  [[ $out == *ENDHITS* ]] && break
done
zpty -d z
print -r -- $out
